"""Who sees what on the staff server: every role and the anonymous visitor against every page,
every download and URL parameters, in Streamlit's AppTest on a real temporary SQLite database.

The database: the synthetic demo round (all five institutions) and round B
(JBG and JBN, closed), one account per role (tests/_auth_helpers.py: the ``gi`` account
belongs to JBN).  Three ways in are tried for each person:

* the app's navigation (``app.py``): exactly the role's pages are registered,
  whatever the URL parameters; any other page cannot be switched to;
* every page file run directly (as if navigation were bypassed): a page not
  in the role refuses before drawing any data, download or upload;
* every download a page offers is made (its guarded callable is recorded and
  called): row-level data only for ``beheerder``/``inspecteur``, the
  k-anonymous microdata (no free text) also for ``onderzoeker``, and every
  file only holds the person's scope.

The public server (no staff page at all) is covered in tests/test_app_respond.py
and, in Chromium, tests/test_browser_access.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from _auth_helpers import ROLE_ACCOUNTS, make_users, sign_in, staff_app_on
from streamlit.testing.v1 import AppTest

from analysis import contract
from analysis.microdata import k_of
from sample_data import generate
from survey_app.auth import session
from survey_app.respond import widgets as ui
from survey_app.storage import Storage
from survey_app.web import navigation

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "survey_app" / "web" / "app.py")
SCREENS = ROOT / "survey_app" / "web" / "screens"
TIMEOUT = 300  # a page run may build a protected table (about 10 s; several times that on a busy machine)
SECRET = "test-secret-key-0123456789abcdef"
ROUND_B = "ronde-b"
OWN_GI = ROLE_ACCOUNTS["gi"][1]  # JBN

ANON = "anoniem"
ACTORS = (ANON, "beheerder", "inspecteur", "gi", "onderzoeker")
#: page files (stems) of the staff server
STAFF_PAGES = tuple(Path(f).stem for f, _, _ in navigation.DASHBOARDS)
EXPECTED_PAGES = {
    ANON: {"aanmelden"},
    "beheerder": {
        "overzicht",
        "inspectierapport",
        "vergelijken",
        "verbanden",
        "opmerkingen",
        "import_export",
        "microdata",
        "rondes",
        "logboek",
    },
    "inspecteur": {
        "overzicht",
        "inspectierapport",
        "vergelijken",
        "verbanden",
        "opmerkingen",
        "import_export",
        "microdata",
        "rondes",
    },
    "gi": {"overzicht", "inspectierapport", "vergelijken", "opmerkingen", "rondeverslag", "rondes"},
    "onderzoeker": {"overzicht", "inspectierapport", "vergelijken", "verbanden", "rondeverslag", "microdata"},
}
TITLES = {
    "overzicht": "Overzicht",
    "inspectierapport": "Inspectierapport 2025",
    "vergelijken": "Vergelijken",
    "verbanden": "Verbanden",
    "opmerkingen": "Opmerkingen",
    "rondeverslag": "Rondeverslag",
    "import_export": "Import en export",
    "microdata": "Microdata voor onderzoek",
    "rondes": "Rondes",
    "logboek": "Logboek",
}
#: URL parameters someone might try; none of them may change pages or scope
URL_PARAMS = (
    {},
    {"gi": ["WSS", OWN_GI], "ronde": contract.DEMO_ROUND_ID, "flt_gi": "WSS"},
    {"rol": "beheerder", "role": "beheerder", "scope": "all", "page": "logboek", "staff": "1", "user": "beheer"},
)


def _frame() -> pd.DataFrame:
    return generate(n=500, seed=31)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("matrix")
    url = f"sqlite:///{path / 'survey.sqlite'}"
    s = Storage(url, secret_key=SECRET)
    s.ensure_demo_round(_frame)
    s.create_round(name="Ronde B", gis=["JBG", "JBN"], round_id=ROUND_B)
    b = generate(n=300, seed=32, round_id=ROUND_B)
    s.import_responses(b[b["gi"].isin(["JBG", "JBN"])].reset_index(drop=True), round_id=ROUND_B)
    s.close_round(ROUND_B)  # gi and onderzoeker read closed rounds only (issue 9 H5: tests/test_open_round.py)
    make_users(s)
    everything = s.load_responses()
    newest = s.list_rounds()[0].id
    s.dispose()
    # gi and onderzoeker read one round at a time (issue 9: rounds together hidden), the newest first
    return {"path": path, "url": url, "all": everything, "newest": newest}


@pytest.fixture
def db(seeded, monkeypatch):
    staff_app_on(monkeypatch, seeded["path"], seeded["url"], SECRET)
    return seeded


@pytest.fixture
def downloads(monkeypatch):
    """Every guarded download a run draws: a list of (file name, callable)."""
    made = []
    original = session.guarded

    def record(fn, **kw):
        wrapped = original(fn, **kw)
        made.append((kw["what"], wrapped))
        return wrapped

    monkeypatch.setattr(session, "guarded", record)
    return made


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_as(actor: str, file: str, params: dict | None = None, **state) -> AppTest:
    at = AppTest.from_file(file, default_timeout=TIMEOUT)
    if actor != ANON:
        sign_in(at, ui.get_storage(), ROLE_ACCOUNTS[actor][0])
    for k, v in (params or {}).items():
        at.query_params[k] = v
    for k, v in state.items():
        at.session_state[k] = v
    return _run(at)


def registered(at: AppTest) -> set[str]:
    return {Path(p["script_path"]).stem for p in at._registered_pages.values()}


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def own_rows(df: pd.DataFrame, actor: str) -> pd.DataFrame:
    return df[df["gi"] == OWN_GI] if actor == "gi" else df


def shown_rows(db, actor: str) -> pd.DataFrame:
    """The rows behind a page's figures: readers without row data see the newest round (one at a time)."""
    df = own_rows(db["all"], actor)
    return df[df["round_id"] == db["newest"]] if actor in ("gi", "onderzoeker") else df


# --------------------------------------------------------------------------- the matrix itself


def test_matrix_covers_every_page_and_role():
    from survey_app.auth.roles import PAGE_ROLES

    assert set(EXPECTED_PAGES) == set(ACTORS)
    assert {p.replace("-", "_") for p in PAGE_ROLES} == set(STAFF_PAGES) == set(TITLES)
    on_disk = {p.stem for p in SCREENS.glob("*.py")} - {"__init__", "respond", "aanmelden"}
    assert on_disk == set(STAFF_PAGES)  # no page file outside the matrix
    for role in ACTORS[1:]:
        assert {p.replace("-", "_") for p, roles in PAGE_ROLES.items() if role in roles} == EXPECTED_PAGES[role]


@pytest.mark.parametrize("params", URL_PARAMS, ids=lambda p: "&".join(p) or "none")
@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_navigation_registers_exactly_the_role_pages(db, actor, params):
    at = open_as(actor, APP, params)
    assert registered(at) == EXPECTED_PAGES[actor]
    for page in set(STAFF_PAGES) - EXPECTED_PAGES[actor]:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"screens/{page}.py")
    assert not at.get("file_uploader") or actor in ("beheerder", "inspecteur")
    if actor == ANON:
        assert [t.value for t in at.title] == ["Aanmelden"]
        assert not at.metric and not at.dataframe and not at.download_button
        assert {t.key for t in at.text_input} == {"auth_name", "auth_password"}
    else:
        assert at.title[0].value == "Overzicht"  # the first page of every role
        total = len(shown_rows(db, actor))
        assert metric(at, "Respondenten") == str(total), params  # the URL never widens the scope


def _expected_downloads(actor: str, page: str) -> set[str]:
    """The data files a page offers each role (besides chart images and aggregate tables)."""
    rows = {"antwoorden.csv"} if actor in ("beheerder", "inspecteur") else set()
    reports = {"rondeverslag.docx", "rondeverslag.html"}
    research = {"microdata.zip", "microdata.xlsx"} if actor in ("beheerder", "inspecteur", "onderzoeker") else set()
    return {"import_export": rows | reports, "rondeverslag": reports, "microdata": research}.get(page, set())


@pytest.mark.parametrize("page", STAFF_PAGES)
@pytest.mark.parametrize("actor", ACTORS)
def test_matrix_page_and_its_downloads(db, downloads, actor, page):
    """A page outside the role refuses before anything is drawn; a page in it offers only the role's
    downloads, and every file holds only the person's scope."""
    at = open_as(actor, str(SCREENS / f"{page}.py"))
    if page not in EXPECTED_PAGES[actor]:
        assert [t.value for t in at.title] == []
        if actor == ANON:
            assert [i.value for i in at.info] == ["U bent niet aangemeld. Ga naar de startpagina om u aan te melden."]
        else:
            assert [e.value for e in at.error] == ["U hebt geen toegang tot deze pagina."]
        assert not at.metric and not at.dataframe and not at.download_button and not at.get("file_uploader")
        assert not at.sidebar.multiselect  # not even the filter lists (round and institution names)
        assert downloads == []
        return
    assert at.title[0].value == TITLES[page]
    assert not [e.value for e in at.error if "geen toegang" in e.value]
    # uploads: response files on Import en export; a questionnaire version (YAML, compared, never stored) on Rondes
    assert bool(at.get("file_uploader")) == (page in ("import_export", "rondes"))
    names = {what for what, _ in downloads}
    assert len(downloads) == len(at.download_button)  # every download button is guarded
    fixed = {n for n in names if n.startswith(("antwoorden.", "rondeverslag.", "microdata."))}
    assert fixed == _expected_downloads(actor, page)
    # every other download is a chart or a table of suppressed aggregates
    assert all(n.rsplit(".", 1)[1] in ("png", "svg", "csv", "xlsx") for n in names - fixed), names
    if page == "overzicht":
        assert len(names) == 13 * 4
    mine = own_rows(db["all"], actor)
    for what, fn in downloads:
        if what == "antwoorden.csv":  # row-level data: exactly the rows in scope
            got = pd.read_csv(io.BytesIO(fn()), sep=";", dtype=str, encoding="utf-8-sig")
            assert sorted(got["response_id"]) == sorted(mine["response_id"])
        elif what == "microdata.zip":  # k-anonymous, no free text, only the rows in scope (some left out)
            with zipfile.ZipFile(io.BytesIO(fn())) as z:
                got = pd.read_csv(z.open("microdata.csv"), sep=";", dtype=str, encoding="utf-8-sig")
            assert not set(got.columns) & {"response_id", "comment_grade", "comment_improve", "submitted_week"}
            assert 0.9 * len(mine) <= len(got) <= len(mine)
            assert k_of(got.astype("string")) >= contract.DEFAULT_MIN_CELL
            assert set(got["gi"]) <= set(mine["gi"]) | {"overig"}
        elif what == "rondeverslag.html":
            html = fn().decode("utf-8")
            n = re.search(r'id="key-respondents"><div class="label">Respondenten</div><div class="value">(\d+)<', html)
            assert int(n.group(1)) == len(shown_rows(db, actor))
            assert ("Instelling: JBN" in html) == (actor == "gi")
        elif what.startswith("figuur-01") and what.endswith(".csv"):
            table = pd.read_csv(io.BytesIO(fn()), encoding="utf-8-sig")
            assert int(table["n"].sum()) <= len(mine)


def test_matrix_gi_compares_only_with_all_other_gis_together(db):
    at = open_as("gi", str(SCREENS / "vergelijken.py"), {"gi": "WSS"}, cmp_gi=OWN_GI)
    table = at.dataframe[0].value
    assert OWN_GI in table.columns and "Alle andere GI's samen" in table.columns
    named = " ".join(map(str, table.columns))
    assert not any(g in named for g in set(contract.GI_CODES) - {OWN_GI})
    assert at.selectbox(key="cmp_gi").options == [f"{OWN_GI} — {contract.GI_NAMES[OWN_GI]}"]
    assert [o for o in at.sidebar.multiselect(key="flt_gi").options] == [f"{OWN_GI} — {contract.GI_NAMES[OWN_GI]}"]


@pytest.mark.parametrize(
    "state",
    [
        {"flt_gi": ["WSS"]},
        {"_flt_gi": ["WSS", "JBG"]},
        {"flt_round": ["bestaat-niet"], "_flt_gi": ["WSS"]},
        {"cmp_gi": "WSS", "_cmp_gi": "WSS"},
    ],
    ids=["widget", "shadow", "round", "compare"],
)
def test_matrix_session_state_cannot_widen_a_gi_scope(db, state):
    at = open_as("gi", str(SCREENS / "overzicht.py"), **state)
    assert metric(at, "Respondenten") == str(len(shown_rows(db, "gi")))
    assert at.sidebar.multiselect(key="flt_gi").value == []
    at = open_as("gi", str(SCREENS / "vergelijken.py"), **state)
    named = " ".join(map(str, at.dataframe[0].value.columns)) if at.dataframe else ""
    assert not any(g in named for g in set(contract.GI_CODES) - {OWN_GI})


def test_matrix_opmerkingen_of_a_gi_are_its_own(db):
    at = open_as("gi", str(SCREENS / "opmerkingen.py"))
    n = len(shown_rows(db, "gi"))
    assert any(f"van {n} respondenten" in c.value for c in at.caption), [c.value for c in at.caption]


def test_matrix_downloads_refuse_after_sign_out(db, downloads):
    at = open_as("inspecteur", str(SCREENS / "import_export.py"))
    data = dict(downloads)["antwoorden.csv"]
    assert data()  # signed in: made
    at.sidebar.button(key="auth_sign_out").click()
    _run(at)
    with pytest.raises(PermissionError):
        data()


def test_matrix_microdata_export_is_audited_with_the_selection(db, downloads):
    open_as("inspecteur", str(SCREENS / "import_export.py"), flt_rtype=["jeugdige"])
    dict(downloads)["antwoorden.csv"]()
    s = Storage(db["url"], secret_key=SECRET)
    try:
        entry = s.list_audit(actions=["export"])[0]
    finally:
        s.dispose()
    assert (entry.actor, entry.target, entry.detail) == ("inspectie", "antwoorden.csv", "respondent_type=jeugdige")


def test_matrix_microdata_export_is_audited_and_refused_after_sign_out(db, downloads):
    at = open_as("onderzoeker", str(SCREENS / "microdata.py"))
    data = dict(downloads)["microdata.zip"]
    assert data()
    s = Storage(db["url"], secret_key=SECRET)
    try:
        entry = s.list_audit(actions=["export"])[0]
    finally:
        s.dispose()
    assert (entry.target, entry.detail.split(";")[0]) == ("microdata.zip", "k=10")
    at.sidebar.button(key="auth_sign_out").click()
    _run(at)
    with pytest.raises(PermissionError):
        data()


def test_matrix_opmerkingen_without_other_answers_except_for_the_inspecteur(db):
    for actor, columns in (
        ("beheerder", ["Vraag", "Opmerking"]),
        ("gi", ["Vraag", "Opmerking"]),
        ("inspecteur", ["Vraag", "Instelling", "Cijfer", "Opmerking"]),
    ):
        at = open_as(actor, str(SCREENS / "opmerkingen.py"), flt_round=[contract.DEMO_ROUND_ID])
        assert at.dataframe, actor
        assert list(at.dataframe[0].value.columns) == columns, actor


def test_matrix_logboek_shows_the_log_and_accounts_to_the_beheerder(db):
    at = open_as("beheerder", str(SCREENS / "logboek.py"))
    log, users = (df.value for df in at.dataframe)
    assert list(log.columns) == ["Wanneer (UTC)", "Wie", "Wat", "Waarop", "Details"]
    assert "account gemaakt" in set(log["Wat"])
    assert sorted(users["Naam"]) == sorted(name for name, _ in ROLE_ACCOUNTS.values())
    assert not any("$argon2" in str(v) for v in users.to_numpy().ravel())
