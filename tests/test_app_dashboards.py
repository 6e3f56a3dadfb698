"""The dashboard pages in Streamlit's AppTest, on real temporary SQLite databases.

The database holds the synthetic demo round (all institutions except JBW,
which has only 6 respondents: under min_cell) and a second, non-synthetic
round ``ronde-2026``.  Pages are run from their own files on a staff server,
signed in as a ``beheerder`` (tests/_auth_helpers.py; what each role sees is
tests/test_access_matrix.py); the navigation test checks that the app
registers them.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from _auth_helpers import make_users, sign_in, staff_app_on, staff_server
from streamlit.testing.v1 import AppTest

from analysis import contract
from sample_data import generate
from survey_app.respond import widgets as ui
from survey_app.storage import Storage

PAGES = Path(__file__).resolve().parents[1] / "survey_app" / "web" / "screens"
TIMEOUT = 300  # a page run may build a protected table (about 10 s; several times that on a busy machine)
SECRET = "test-secret-key-0123456789abcdef"
ROUND_B = "ronde-2026"
# a hidden group from the protected table: small or protecting, one text (issue 9)
HIDDEN = "verborgen (minder dan 10, of ter bescherming van een kleine groep)"
N_DEMO_WITHOUT_JBW = None  # filled by the fixture


def _demo_frame() -> pd.DataFrame:
    df = generate(n=700, seed=11)
    return pd.concat([df[df["gi"] != "JBW"], df[df["gi"] == "JBW"].head(6)], ignore_index=True)


def _seed(path: Path) -> dict:
    url = f"sqlite:///{path / 'survey.sqlite'}"
    s = Storage(url, secret_key=SECRET)
    try:
        s.ensure_demo_round(_demo_frame)
        s.create_round(name="Ronde 2026", gis=["JBG", "JBN", "JBRA", "WSS"], round_id=ROUND_B)
        b = generate(n=500, seed=12, round_id=ROUND_B)
        s.import_responses(b[b["gi"] != "JBW"].head(250), round_id=ROUND_B)
        make_users(s, roles=("beheerder",))
        counts = {"total": s.count_responses(), "demo": s.count_responses(contract.DEMO_ROUND_ID)}
    finally:
        s.dispose()
    return {"url": url, **counts}


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("dash")
    return {"path": path, **_seed(path)}


@pytest.fixture
def db(seeded_db, monkeypatch):
    staff_app_on(monkeypatch, seeded_db["path"], seeded_db["url"], SECRET)
    return seeded_db


@pytest.fixture
def fresh_db(tmp_path, monkeypatch):
    """A database of its own (for tests that write)."""
    info = _seed(tmp_path)
    staff_server(monkeypatch)
    monkeypatch.setenv("SURVEY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SURVEY_DATABASE_URL", info["url"])
    monkeypatch.setenv("SURVEY_SECRET_KEY", SECRET)
    return info


# --------------------------------------------------------------------------- helpers


def open_page(name: str, **state) -> AppTest:
    """Run a page file, signed in as the beheerder (who sees every dashboard)."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
    sign_in(at, ui.get_storage(), "beheer")
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info", "error", "success", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def _walk(node, out):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        children = children.values()
    for ch in children or []:
        out.append(ch)
        _walk(ch, out)
    return out


def charts(at: AppTest) -> list:
    return [e for e in _walk(at._tree, []) if getattr(e, "type", "") == "vega_lite_chart"]


def chart_data(chart) -> pd.DataFrame:
    """Every dataset of a chart element, stacked."""
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def all_cells(at: AppTest) -> list[str]:
    return [str(v) for df in at.dataframe for v in df.value.to_numpy().ravel()]


ESTIMATE = re.compile(r"^\d+(,\d+)?%|^\d+,\d")  # "41%", "6,2", "4,8 tot 5,0"


# --------------------------------------------------------------------------- smoke tests


@pytest.mark.parametrize(
    "page,title",
    [
        ("overzicht", "Overzicht"),
        ("inspectierapport", "Inspectierapport 2025"),
        ("vergelijken", "Vergelijken"),
        ("verbanden", "Verbanden"),
        ("opmerkingen", "Opmerkingen"),
        ("import_export", "Import en export"),
    ],
)
def test_dashboard_page_renders_with_synthetic_banner(db, page, title):
    at = open_page(page)
    assert at.title[0].value == title
    assert any("Synthetische voorbeelddata — geen echte antwoorden" in w.value for w in at.warning)
    # the four filters and the language toggle are in the sidebar
    keys = {w.key for w in at.sidebar.multiselect}
    assert keys == {"flt_round", "flt_gi", "flt_rtype", "flt_measure"}
    assert at.sidebar.radio(key="dash_lang").value == "nl"


def test_dashboard_sidebar_has_no_min_cell_input_and_says_the_fixed_minimum(db):
    # issue 9 H1: a reader-chosen threshold gave a second suppression pattern per value
    at = open_page("overzicht")
    assert len(at.number_input) == 0 and len(at.sidebar.number_input) == 0
    assert "flt_min_cell" not in at.session_state
    fixed = "Kleinste groep die we tonen: 10. Deze grens is voor iedereen gelijk; kleinere groepen tonen we nergens."
    assert fixed in [c.value for c in at.sidebar.caption]
    # whatever a figure hides, it hides at the table's min_cell
    assert not any(re.search(r"(n < |minder dan )(?!10\b)\d+", c) for c in all_cells(at))


def test_dashboard_builds_one_protected_table_for_every_page_and_filter(db, monkeypatch):
    # issue 9 H1: one table per data set, whatever page or filter a reader picks
    from survey_app.dashboard import context, data_access

    # no min_cell in the key; the rounds a reader may read are (issue 9 H5)
    assert list(inspect.signature(context._rounds_table).parameters) == ["url", "rounds", "_storage"]
    assert list(inspect.signature(data_access.live_table).parameters) == ["storage", "max_age"]
    built = []
    real = data_access.protected_data

    def counting(storage, **kw):
        data = real(storage, **kw)
        built.append(data)
        return data

    monkeypatch.setattr(data_access, "protected_data", counting)
    context.clear_data_cache()
    try:
        at = open_page("overzicht")
        at.multiselect(key="flt_rtype").set_value(["jeugdige"])
        rerun(at)
        at.multiselect(key="flt_gi").set_value(["JBG"])
        rerun(at)
        for page in ("vergelijken", "verbanden", "rondeverslag"):
            open_page(page)
    finally:
        context.clear_data_cache()  # the other tests build their own, unwrapped
    assert len(built) == 1
    assert built[0].min_cell == contract.DEFAULT_MIN_CELL == data_access.MIN_CELL


def test_microdata_page_has_no_k_widget_and_uses_the_fixed_k(db):
    # issue 9 M3: two exports at two k's would join to classes under k
    from survey_app.dashboard import microdata

    at = open_page("microdata")
    assert len(at.number_input) == 0 and len(at.sidebar.number_input) == 0
    assert len(at.slider) == 0 and len(at.selectbox) == 0
    assert microdata.K == contract.DEFAULT_MIN_CELL == 10
    assert "komt minstens 10 keer voor" in texts(at)
    assert len(at.get("download_button")) == 2  # zip and xlsx, of the one fixed k
    assert "samen met de tabellen gecontroleerd" in texts(at)  # issue 9 (b): the joint audit ran


def test_overzicht_key_numbers_and_every_figure(db):
    at = open_page("overzicht")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Respondenten"] == str(db["total"])
    assert set(metrics) == {
        "Respondenten",
        "Ouders",
        "Jeugdigen",
        "Had een periode zonder jeugdzorgwerker",
        "Gemiddeld rapportcijfer",
    }
    heads = [s.value for s in at.subheader]
    for i, fid in enumerate(contract.FIGURE_IDS, start=1):
        assert any(h.startswith(f"{i}. ") for h in heads), fid
    assert len(charts(at)) == 13 and len(at.dataframe) == 13
    assert len(at.download_button) == 13 * 4  # PNG, SVG, CSV, XLSX per figure
    assert (
        "Het cijfer daalt significant naarmate respondenten meer jeugdzorgwerkers hebben gehad "
        "(Jonckheere-Terpstra, p < 0,001)."
    ) in texts(at)
    data = chart_data(charts(at)[1])  # explained_at_start
    assert set(data["category"].dropna()) == set(contract.CODES["explained_at_start"])
    assert data["ci_low"].notna().all() and data["ci_high"].notna().all()


def test_overzicht_reads_the_stored_aggregate_not_the_rows(db, monkeypatch):
    # issue 10 item 2: the page set-up, the protected table, every figure and key number from the
    # round's aggregate (answer_counts); a server never loads the responses to show Overzicht
    from analysis import protection
    from survey_app.dashboard import context

    def no_rows(self, **kw):
        raise AssertionError("Overzicht read the responses")

    monkeypatch.setattr(Storage, "load_responses", no_rows)
    context.clear_data_cache()
    monkeypatch.setattr(protection, "_CACHE", type(protection._CACHE)())
    try:
        at = open_page("overzicht")
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Respondenten"] == str(db["total"])
        assert len(charts(at)) == 13
        at.multiselect(key="flt_gi").set_value(["JBG"])
        rerun(at)
        assert {m.label: m.value for m in at.metric}["Respondenten"] != str(db["total"])
    finally:
        context.clear_data_cache()


def test_overzicht_filter_changes_chart_data(db):
    at = open_page("overzicht")
    before = chart_data(charts(at)[0]).set_index("category")["n"]
    at.multiselect(key="flt_rtype").set_value(["jeugdige"])
    rerun(at)
    after = chart_data(charts(at)[0]).set_index("category")["n"]
    assert after.sum() < before.sum()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ouders"] == "0"
    assert metrics["Respondenten"] == metrics["Jeugdigen"]
    # the filter is kept when the user goes to another page
    assert at.session_state["_flt_rtype"] == ["jeugdige"]


def test_overzicht_builds_each_chart_once_per_table_selection_and_language(db, monkeypatch):
    # issue 10: a page run built and converted 13 Altair charts again (about 3 s at any size); they
    # are kept with the protected table (ProtectedData.memo), shared by every session
    from analysis import charts as chart_module
    from analysis import protection
    from survey_app.dashboard import context

    made = []
    real = chart_module.figure_chart

    def counting(fig, **kw):
        made.append((fig.id, kw.get("lang")))
        return real(fig, **kw)

    monkeypatch.setattr(chart_module, "figure_chart", counting)
    context.clear_data_cache()
    monkeypatch.setattr(protection, "_CACHE", type(protection._CACHE)())  # a table of its own: nothing kept yet
    try:
        first = open_page("overzicht")
        assert len(made) == 13
        second = open_page("overzicht")  # another session, same selection: nothing built
        assert len(made) == 13
        assert [c.proto.spec for c in charts(second)] == [c.proto.spec for c in charts(first)]
        first.multiselect(key="flt_rtype").set_value(["jeugdige"])
        rerun(first)
        assert len(made) == 26
        first.radio(key=context.LANG_KEY).set_value("en")
        rerun(first)
        assert len(made) == 39 and {lang for _, lang in made[26:]} == {"en"}
        assert "Respondents" in {m.label for m in first.metric}
    finally:
        context.clear_data_cache()


def test_overzicht_small_institution_shows_no_estimate_anywhere(db):
    at = open_page("overzicht", flt_gi=["JBW"])
    metrics = {m.label: m.value for m in at.metric}
    # the protected table (issue 9): a small group's size is never shown, nor that it is small
    assert all(v == HIDDEN for v in metrics.values()), metrics
    assert "n = verborgen" in [c.value for c in at.caption]
    cells = all_cells(at)
    assert HIDDEN in cells
    assert not [c for c in cells if ESTIMATE.search(c)], [c for c in cells if ESTIMATE.search(c)]
    for chart in charts(at):
        data = chart_data(chart)
        for col in ("pct", "mean", "ci_low", "ci_high"):
            if col in data.columns:
                assert data[col].isna().all(), (col, data)
    # the trend sentence is not computed on 6 people
    assert "daalt significant" not in texts(at)


def test_inspectierapport_compares_published_and_computed(db):
    at = open_page("inspectierapport", flt_round=[contract.DEMO_ROUND_ID])
    heads = [s.value for s in at.subheader]
    assert "Figuur 2: Is er bij de start uitgelegd wat er ging gebeuren?" in heads
    table = next(
        df.value
        for df in at.dataframe
        if "Gepubliceerd 2025" in df.value.columns and "Ja" in df.value["Onderdeel"].tolist()
    )
    assert table.columns.tolist() == ["Onderdeel", "Gepubliceerd 2025", "Berekend", "Verschil", "Komt overeen"]
    row = table[table["Onderdeel"] == "Ja"].iloc[0]
    assert row["Gepubliceerd 2025"] == "41"
    assert re.fullmatch(r"\d+", row["Berekend"]) and row["Komt overeen"] in ("ja", "nee")
    assert any(re.search(r"\d+ van de 62 gepubliceerde getallen", c.value) for c in at.caption)


def test_inspectierapport_small_institution_computes_nothing(db):
    at = open_page("inspectierapport", flt_gi=["JBW"])
    tables = [df.value for df in at.dataframe if "Berekend" in df.value.columns]
    computed = [
        v
        for t in tables
        for lab, v in zip(t["Onderdeel"], t["Berekend"])
        if "aantal" not in lab and lab not in ("Respondenten",)
    ]
    assert computed and all(v == "-" for v in computed), computed


def test_vergelijken_institution_against_all_others(db):
    at = open_page("vergelijken", cmp_gi="JBN")
    table = at.dataframe[0].value
    assert "JBN" in table.columns and "Alle andere GI's samen" in table.columns
    # never another single institution
    assert not any(g in " ".join(map(str, table.columns)) for g in ("JBG", "JBRA", "WSS"))
    assert len(charts(at)) == 1
    assert at.sidebar.multiselect(key="flt_gi").disabled


def test_vergelijken_small_institution_suppressed(db):
    at = open_page("vergelijken", cmp_gi="JBW")
    table = at.dataframe[0].value
    assert (table["JBW"] == HIDDEN).all()
    # the other side is large: hidden to protect the small institution, and it says so
    assert (
        table["Alle andere GI's samen"] == "verborgen (minder dan 10, of ter bescherming van een kleine groep)"
    ).all()
    data = chart_data(charts(at)[0])
    assert data["difference"].isna().all() if "difference" in data.columns else True
    assert "Geen enkel verschil is significant" in texts(at)


def test_vergelijken_round_against_earlier_round(db):
    at = open_page("vergelijken", cmp_mode="round", cmp_round_a=ROUND_B)
    table = at.dataframe[0].value
    # rounds are shown by name, never by id (issue 11)
    assert "Ronde 2026" in table.columns and "Demo: synthetische gegevens 2025 / synthetic data 2025" in table.columns
    assert not any(ROUND_B in c or contract.DEMO_ROUND_ID in c for c in table.columns)
    # every row the protected table shows has its test; a hidden row (a base hidden to protect the small
    # institution, issue 9) says why and gives no number
    hidden = table["Ronde 2026"] == "verborgen (minder dan 10, of ter bescherming van een kleine groep)"
    assert table.loc[~hidden, "p (Holm)"].str.len().gt(0).all() and (~hidden).sum() >= 10
    assert (table.loc[hidden, "p (Holm)"] == "").all() and (table.loc[hidden, "n Ronde 2026"] == "verborgen").all()
    assert at.sidebar.multiselect(key="flt_round").disabled


def test_verbanden_crosstab_and_box_plot(db):
    at = open_page("verbanden", rel_x="measure_type", rel_y="had_gap")
    assert "Kruistabel (percentages per rij)" in texts(at)
    table = at.dataframe[0].value
    assert table.columns[0] == "Soort maatregel" and len(table) == 4
    at = open_page("verbanden")  # default: number of workers x grade
    assert "Rapportcijfer per groep" in texts(at)
    assert at.dataframe[0].value.columns[:3].tolist() == ["Aantal jeugdzorgwerkers", "n", "Gemiddeld cijfer"]


def test_verbanden_model_builder_returns_coefficients(db):
    at = open_page("verbanden")
    coef = next(df.value for df in at.dataframe if "Coëfficiënt" in df.value.columns)
    assert coef["Term"].tolist()[:2] == ["Constante", "Aantal jeugdzorgwerkers (per stap)"]
    est = float(coef.loc[coef["Term"] == "Aantal jeugdzorgwerkers (per stap)", "Coëfficiënt"].iloc[0].replace(",", "."))
    assert est < 0  # more workers, lower grade
    at.radio(key="model_kind").set_value("ordinal")
    rerun(at)
    coef = next(df.value for df in at.dataframe if "Coëfficiënt" in df.value.columns)
    assert any(t.startswith("Drempel ") for t in coef["Term"])


@pytest.mark.parametrize("kind, fitter", [("ols", "_ols"), ("ordinal", "_ordinal_core")])
def test_verbanden_fits_each_model_once_per_request(db, monkeypatch, kind, fitter):
    import streamlit as st

    from analysis import models

    calls = []
    real = getattr(models, fitter)
    monkeypatch.setattr(models, fitter, lambda *a, **k: calls.append(1) or real(*a, **k))
    st.cache_data.clear()  # a cached model would not be fitted at all
    at = open_page("verbanden", model_kind=kind)
    assert any("Coëfficiënt" in df.value.columns for df in at.dataframe)  # chart, table and fit shown
    assert any(list(df.value.columns) == ["Maat", "Waarde"] for df in at.dataframe)
    assert len(calls) == 1


def test_verbanden_model_fit_shows_no_number_that_gives_n_away(db):
    """Issue 9 M2: no AIC, log-likelihood or adjusted R²; n exact only when it is the shown grade count."""
    at = open_page("verbanden")  # number of workers and gap: respondents without a gap answer are left out
    fit = next(df.value for df in at.dataframe if list(df.value.columns) == ["Maat", "Waarde"])
    names = fit["Maat"].tolist()
    assert "Respondenten (minstens)" in names and "Respondenten" not in names
    assert not {"AIC", "Log-likelihood", "Aangepaste R²", "Deviantie"} & set(names)
    assert "AIC en log-likelihood tonen we niet" in texts(at)
    at = open_page("verbanden", model_predictors=["respondent_type"])  # nobody left out: the shown count
    fit = next(df.value for df in at.dataframe if list(df.value.columns) == ["Maat", "Waarde"])
    assert "Respondenten" in fit["Maat"].tolist()


def test_verbanden_model_refused_for_small_groups(db):
    at = open_page("verbanden", flt_gi=["JBW"])
    assert any("Te weinig" in w.value or "maar één" in w.value for w in at.warning)
    assert not any("Coëfficiënt" in df.value.columns for df in at.dataframe)


def test_opmerkingen_plain_text_and_hidden_for_small_groups(db):
    at = open_page("opmerkingen")
    table = at.dataframe[0].value
    assert table.columns.tolist() == ["Vraag", "Opmerking"]  # no other answers next to a comment (issue 9)
    assert len(table) > 0
    at = open_page("opmerkingen", flt_gi=["JBW"])
    assert not at.dataframe
    hidden = [i.value for i in at.info if "verborgen" in i.value]
    assert hidden and "minder dan 10 respondenten" in hidden[0] and "6" not in hidden[0]  # the size stays hidden


def test_opmerkingen_page_shows_what_the_auditor_rule_gives(db):
    """Issue 9 (d): the page shows exactly ProtectedView.comments (the block rule the auditor tests)."""
    from analysis.protection import protect

    s = Storage(db["url"], secret_key=SECRET)
    try:
        data = protect(s.load_responses(), min_cell=10)
    finally:
        s.dispose()
    keys = {"round_id": "flt_round", "gi": "flt_gi", "respondent_type": "flt_rtype", "measure_type": "flt_measure"}
    selections = ({}, {"gi": "JBN"}, {"gi": "JBW"}, {"respondent_type": "jeugdige"}, {"round_id": ROUND_B})
    statuses = set()
    for f in selections:
        want = data.view(f).comments(role="beheerder")
        statuses.add(want.status)
        at = open_page("opmerkingen", **{keys[k]: [v] for k, v in f.items()})
        if want.shown:
            got = at.dataframe[0].value.reset_index(drop=True)
            pd.testing.assert_frame_equal(got.astype("string"), want.table.reset_index(drop=True), check_dtype=False)
            assert want.message("nl") in [c.value for c in at.caption], f
        else:
            assert not at.dataframe, f
            assert [i.value for i in at.info] == [want.message("nl")], f
    assert "shown" in statuses and len(statuses) >= 2  # shown and hidden selections were both compared


def test_language_toggle_switches_to_english(db):
    at = open_page("overzicht")
    at.sidebar.radio(key="dash_lang").set_value("en")
    rerun(at)
    assert at.title[0].value == "Overview"
    assert any("Synthetic sample data — not real answers" in w.value for w in at.warning)
    assert "Respondents" in {m.label for m in at.metric}
    assert any(s.value.startswith("1. Type of measure") for s in at.subheader)


def _foreign_csv(n: int = 30, bad: bool = False, keep_jbw: bool = False) -> bytes:
    """The demo answers as another tool writes them: Dutch headers and answer labels, no ids."""
    from analysis.wording import category_label

    df = generate(n=n, seed=21)
    if not keep_jbw:
        df = df[df["gi"] != "JBW"].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "Instelling": df["gi"],
            "Type respondent": df["respondent_type"].map({"ouder": "Ouder", "jeugdige": "Jongere"}),
            "Week": df["submitted_week"],
        }
    )
    for col in contract.ITEM_COLUMNS:
        if col in contract.COMMENT_COLUMNS:
            continue
        s = df[col].astype(object)
        out[col] = (
            s.map(lambda v, c=col: "" if pd.isna(v) else category_label(c, v))
            if col in contract.CODES
            else s.map(lambda v: "" if pd.isna(v) else str(v))
        )
    if bad:
        out.loc[2, "grade"] = "11"
    return out.to_csv(sep=";", index=False).encode("utf-8")


def test_import_export_maps_validates_and_imports(fresh_db):
    at = open_page("import_export", imp_round=ROUND_B)
    at.file_uploader(key="imp_file").set_value(("ander-systeem.csv", _foreign_csv(), "text/csv"))
    rerun(at)
    assert any("goedgekeurd" in s.value for s in at.success), texts(at)
    # round B has answers already: the import waits for the round's name
    assert any("Ronde 'Ronde 2026' heeft al 250 antwoorden" in w.value for w in at.warning), texts(at)
    assert at.button(key="imp_go").disabled
    at.text_input(key="imp_confirm").input("Ronde 2026")
    rerun(at)
    assert not at.button(key="imp_go").disabled
    at.button(key="imp_go").click()
    rerun(at)
    assert any("opgeslagen in ronde" in s.value for s in at.success), texts(at)
    s = Storage(fresh_db["url"], secret_key=SECRET)
    try:
        assert s.count_responses(ROUND_B) == 250 + 30 - len(generate(n=30, seed=21).query("gi == 'JBW'"))
        entry = s.list_audit(actions=["import"])[0]
        assert (entry.actor, entry.target) == ("beheer", ROUND_B)
        assert entry.detail.endswith("from ander-systeem.csv (confirmed)")
    finally:
        s.dispose()


def test_import_export_rejects_a_bad_file_whole(fresh_db):
    at = open_page("import_export", imp_round=ROUND_B)
    at.file_uploader(key="imp_file").set_value(("fout.csv", _foreign_csv(bad=True), "text/csv"))
    rerun(at)
    assert any("afgekeurd: 1 rij heeft een fout." in e.value for e in at.error)
    assert at.button(key="imp_go").disabled
    report = next(df.value for df in at.dataframe if "Melding" in df.value.columns and "Rij" in df.value.columns)
    row = report[report["Kolom"] == "grade"].iloc[0]
    assert row["Rij"] == 4 and "valt buiten de toegestane waarden" in row["Melding"]
    assert row["Waarde"] == "11" and row["Soort"] == "fout"
    s = Storage(fresh_db["url"], secret_key=SECRET)
    try:
        assert s.count_responses(ROUND_B) == 250
    finally:
        s.dispose()


def test_import_export_checks_the_round_before_the_button(fresh_db):
    # the page runs the whole pipeline: a row of an institution outside the round is
    # found before importing (the button stays off), with its spreadsheet row
    n_jbw = int((generate(n=30, seed=21)["gi"] == "JBW").sum())
    assert n_jbw > 0
    at = open_page("import_export", imp_round=ROUND_B)
    at.file_uploader(key="imp_file").set_value(("met-jbw.csv", _foreign_csv(keep_jbw=True), "text/csv"))
    rerun(at)
    summary = f"{n_jbw} rijen hebben fouten" if n_jbw > 1 else "1 rij heeft een fout"
    assert any(f"afgekeurd: {summary}." in e.value for e in at.error), texts(at)
    assert at.button(key="imp_go").disabled
    report = next(df.value for df in at.dataframe if "Melding" in df.value.columns and "Rij" in df.value.columns)
    assert set(report["Kolom"]) == {"gi"} and set(report["Waarde"]) == {"JBW"}
    assert all("hoort niet bij ronde" in m for m in report["Melding"])


def test_import_export_unreadable_file_message(fresh_db):
    at = open_page("import_export")
    at.file_uploader(key="imp_file").set_value(("kapot.xlsx", b"geen excel", "application/octet-stream"))
    rerun(at)
    assert any("kan niet worden gelezen" in e.value for e in at.error)


def test_import_export_zip_bomb_refused_with_file_name(fresh_db, tmp_path):
    from test_upload_limits import make_zip_bomb

    bomb = make_zip_bomb(tmp_path / "bom.xlsx", 300).read_bytes()  # 300 MB unpacked, ~1.5 MB packed
    at = open_page("import_export")
    at.file_uploader(key="imp_file").set_value(("bom.xlsx", bomb, "application/octet-stream"))
    rerun(at)
    assert any("Het bestand bom.xlsx is geweigerd" in e.value and "zipbom" in e.value for e in at.error), texts(at)


def test_import_export_offers_data_and_report_downloads(db):
    at = open_page("import_export")
    keys = {b.key for b in at.download_button}
    assert {"exp_data", "exp_docx", "exp_html"} <= keys
    assert at.radio(key="exp_format").options == ["CSV", "Excel", "SPSS", "Parquet"]


def test_frame_bytes_round_trips_every_format(db, tmp_path):
    from analysis.io import read_responses
    from survey_app.dashboard.import_export import frame_bytes

    df = generate(n=25, seed=3)
    for fmt in ("csv", "xlsx", "sav", "parquet"):
        path = tmp_path / f"x.{fmt}"
        path.write_bytes(frame_bytes(df, fmt))
        back, report = read_responses(path)
        assert report.ok, (fmt, report.summary())
        assert back["response_id"].tolist() == df["response_id"].tolist()


@pytest.mark.parametrize(
    "page,title",
    [
        ("overzicht", "Overzicht"),
        ("inspectierapport", "Inspectierapport 2025"),
        ("vergelijken", "Vergelijken"),
        ("verbanden", "Verbanden"),
        ("opmerkingen", "Opmerkingen"),
        ("import_export", "Import en export"),
        ("microdata", "Microdata voor onderzoek"),
        ("rondes", "Rondes"),
        ("logboek", "Logboek"),
    ],
)
def test_navigation_registers_dashboard_page(db, page, title):
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, ui.get_storage(), "beheer")
    at.run()
    at.switch_page(f"screens/{page}.py")
    rerun(at)
    assert at.title[0].value == title


def test_navigation_menu_titles_follow_the_dashboard_language():
    from survey_app.web import navigation

    nl = navigation.dashboard_menu("nl")
    en = navigation.dashboard_menu("en")
    assert [title for _, title, _, _ in nl][:2] == ["Overzicht", "Inspectierapport"]
    assert [title for _, title, _, _ in en] == [
        "Overview",
        "Inspection report",
        "Compare",
        "Relations",
        "Comments",
        "Round report",
        "Import and export",
        "Microdata",
        "Rounds",
        "Audit log",
    ]
    # URL paths stay Dutch so shared links keep working in both languages
    assert [u for _, _, u, _ in en] == [u for _, _, u, _ in nl]
    # every listed file exists
    assert all((navigation.PAGES_DIR / f).is_file() for f, _, _, _ in nl)


def test_navigation_reads_the_dashboard_language_key():
    # the toggle's session key is the one navigation reads on the next run
    from survey_app.dashboard import context as ui_dashboard
    from survey_app.web import navigation

    assert ui_dashboard.LANG_KEY == navigation.LANG_KEY


# --------------------------------------------------------------------------- one language per page (issue 7)


def _figure_titles(lang: str) -> list[str]:
    from analysis.i18n import text

    return [text(f"figures.title.{fid}", lang) for fid in contract.FIGURE_IDS]


def test_overzicht_figure_titles_carry_no_other_language_subtitle(db):
    nl = texts(open_page("overzicht"))
    assert all(t in nl for t in _figure_titles("nl"))
    assert not [t for t in _figure_titles("en") if t in nl]
    en = texts(open_page("overzicht", dash_lang="en"))
    assert all(t in en for t in _figure_titles("en"))
    assert not [t for t in _figure_titles("nl") if t in en]


def test_inspectierapport_in_english_has_english_figure_titles(db):
    from analysis.reference import load_published

    at = open_page("inspectierapport", dash_lang="en")
    heads = [s.value for s in at.subheader]
    assert "Figure 2: Was it explained at the start what would happen?" in heads
    printed = [d["question"] for d in load_published()["figures"].values()]
    assert not [h for h in heads if any(q in h for q in printed)], heads
    nl_heads = [s.value for s in open_page("inspectierapport").subheader]
    assert "Figuur 2: Is er bij de start uitgelegd wat er ging gebeuren?" in nl_heads
