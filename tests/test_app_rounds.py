"""The Rondes page (issue 11) in Streamlit's AppTest, on real temporary SQLite databases.

The page body is called with a :class:`~survey_app.dashboard.rounds.RoundsAccess`
(a role string and, for ``gi``, its institution) and a fixed ``today``, so
every role can be tried without sign-in.  One test per step: create, settings
(dates, national figures, languages, close, reopen, archive), letters with
codes and reminders, the response monitor (exact and masked), the preview,
the version differences; plus the dashboards that follow the round.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

import pytest
from _auth_helpers import ROLE_ACCOUNTS, make_users, sign_in, staff_server
from db_fixtures import random_answers
from streamlit.testing.v1 import AppTest

from analysis import contract, i18n
from analysis import letters as L
from survey_app.storage import Storage

SECRET = "test-secret-key-0123456789abcdef"
TIMEOUT = 300  # a page run may build a protected table (about 10 s; several times that on a busy machine)
TODAY = dt.date(2026, 3, 25)
PAGES = Path(__file__).resolve().parents[1] / "survey_app" / "web" / "screens"


def _page(role, gi, today, name=None):
    import datetime as dt

    from survey_app.dashboard import rounds

    rounds.page(rounds.RoundsAccess(role=role, gi=gi, name=name), today=dt.date.fromisoformat(today))


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'survey.sqlite'}"
    monkeypatch.setenv("SURVEY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SURVEY_DATABASE_URL", url)
    monkeypatch.setenv("SURVEY_SECRET_KEY", SECRET)
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://vragenlijst.example.nl")
    s = Storage(url, secret_key=SECRET)
    yield s
    s.dispose()
    from survey_app.respond import widgets

    widgets.release_storages()


def open_rounds(role="beheerder", gi=None, today=TODAY, name=None, **state) -> AppTest:
    at = AppTest.from_function(_page, kwargs={"role": role, "gi": gi, "today": today.isoformat(), "name": name})
    at.default_timeout = TIMEOUT
    for k, v in state.items():
        at.session_state[k] = v
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def _inspection_round(db, **kw):
    args = dict(
        name="Cliëntervaring GI's 2026",
        gis=["JBG", "JBN", "WSS"],
        opens=dt.date(2026, 3, 2),
        closes=dt.date(2026, 4, 26),
        gi_dates={"WSS": (dt.date(2026, 3, 23), dt.date(2026, 5, 24))},
        access="codes",
    )
    args.update(kw)
    return db.setup_round(**args)


def _answer(db, round_id, gi, rt, n, *, week_day):
    codes = db.issue_codes(round_id, gi, rt, n, today=dt.date(2026, 3, 1)) if n else []
    for c in codes:
        db.submit_response(
            round_id,
            random_answers(random.Random()),
            gi=gi,
            respondent_type=rt,
            code=c,
            submission_token=uuid.uuid4().hex,
            today=week_day,
        )


# --------------------------------------------------------------------------- create


def test_rounds_page_creates_a_round_for_three_institutions_with_a_late_start(db):
    at = open_rounds()
    assert at.title[0].value == "Rondes"
    assert "Er is nog geen ronde." in texts(at)
    at.text_input(key="rnd_new_name").input("Cliëntervaring 2026")
    at.multiselect(key="rnd_new_gis").set_value(["JBG", "JBN", "WSS"])
    at.date_input(key="rnd_new_opens").set_value(dt.date(2026, 3, 2))
    at.date_input(key="rnd_new_closes").set_value(dt.date(2026, 4, 26))
    run(at)
    at.checkbox(key="rnd_new_own_dates").check()
    run(at)
    at.date_input(key="rnd_new_opens_WSS").set_value(dt.date(2026, 3, 23))
    at.date_input(key="rnd_new_closes_WSS").set_value(dt.date(2026, 5, 24))
    at.multiselect(key="rnd_new_langs").set_value(["nl"])
    at.button(key="rnd_new_create").click()
    run(at)
    assert "Ronde 'Cliëntervaring 2026' is gemaakt." in texts(at)
    (info,) = db.list_rounds()
    assert info.gis == ("JBG", "JBN", "WSS") and info.access == "codes" and info.languages == ("nl",)
    assert at.selectbox(key="rnd_pick").value == info.id
    assert at.selectbox(key="rnd_pick").format_func(info.id) == "Cliëntervaring 2026 (open)"  # by name
    windows = {w.gi: w for w in db.institution_windows(info.id)}
    assert windows["WSS"].late and windows["WSS"].opens == dt.date(2026, 3, 23)
    table = at.dataframe[0].value
    assert table["Later gestart"].tolist() == ["", "", "ja"]


def test_rounds_page_warns_that_an_open_link_round_can_be_padded(db):
    # docs/disclosure.md, "Padding before a round closes": codes are the remedy, the page says so
    warning = i18n.text("rounds.open_padding", "nl")
    at = open_rounds()  # an inspecteur's or beheerder's round starts with codes: no warning
    assert at.radio(key="rnd_new_access").value == "codes"
    assert warning not in texts(at)
    at.radio(key="rnd_new_access").set_value("open")
    run(at)
    assert warning in texts(at)
    gi = open_rounds(role="gi", gi="JBN")  # a gi's self-evaluation starts with an open link
    assert gi.radio(key="rnd_new_access").value == "open" and warning in texts(gi)


def test_rounds_page_create_refuses_bad_input_and_says_why(db):
    at = open_rounds()
    at.button(key="rnd_new_create").click()  # no name
    run(at)
    assert at.error and "name" in at.error[0].value
    assert db.list_rounds() == []


# --------------------------------------------------------------------------- settings


def test_rounds_page_edits_dates_and_the_national_figures(db):
    info = _inspection_round(db)
    at = open_rounds()
    at.selectbox(key=f"rnd_edit_gi_{info.id}").set_value("WSS")
    run(at)
    at.date_input(key=f"rnd_edit_opens_{info.id}_WSS").set_value(dt.date(2026, 3, 2))
    at.button(key=f"rnd_edit_save_{info.id}").click()
    run(at)
    assert not any(w.late for w in db.institution_windows(info.id))
    at.checkbox(key=f"rnd_nat_{info.id}_JBN").uncheck()
    run(at)
    assert db.national_gis(info.id) == ("JBG", "WSS")
    at.multiselect(key=f"rnd_langs_{info.id}").set_value(["nl"])
    run(at)
    at.button(key=f"rnd_langs_save_{info.id}").click()
    run(at)
    assert db.get_round(info.id).languages == ("nl",)


def test_rounds_page_closes_reopens_and_archives(db):
    info = _inspection_round(db)
    at = open_rounds()
    assert at.button(key=f"rnd_close_{info.id}").disabled  # first tick the confirmation
    at.checkbox(key=f"rnd_close_sure_{info.id}").check()
    run(at)
    at.button(key=f"rnd_close_{info.id}").click()
    run(at)
    assert db.get_round(info.id).closed
    assert at.selectbox(key="rnd_pick").format_func(info.id).endswith("(gesloten)")
    at.date_input(key=f"rnd_reopen_closes_{info.id}").set_value(dt.date(2026, 6, 7))
    at.button(key=f"rnd_reopen_{info.id}").click()
    run(at)
    got = db.get_round(info.id)
    assert not got.closed and got.status(TODAY) == "open"
    db.close_round(info.id)
    at = open_rounds()
    at.button(key=f"rnd_archive_{info.id}").click()
    run(at)
    assert db.get_round(info.id).archived
    assert "Er is nog geen ronde." in texts(at)  # archived rounds are hidden ...
    at.checkbox(key="rnd_show_archived").check()
    run(at)
    assert at.selectbox(key="rnd_pick").format_func(info.id).endswith("gearchiveerd")  # ... until asked for
    at.button(key=f"rnd_unarchive_{info.id}").click()
    run(at)
    assert not db.get_round(info.id).archived


# --------------------------------------------------------------------------- letters


def test_rounds_page_makes_codes_and_letters_whose_qr_opens_the_round(db):
    from test_letters import read_qr_codes

    info = _inspection_round(db)
    at = open_rounds()
    at.multiselect(key=f"rnd_let_types_{info.id}").set_value(["ouder"])
    at.number_input(key="rnd_let_n").set_value(2)
    at.text_input(key="rnd_sender").input("Inspectie Gezondheidszorg en Jeugd")
    at.button(key="rnd_let_make").click()
    run(at)
    assert "6 brieven zijn klaar." in texts(at)
    assert "De codes worden niet bewaard" in texts(at)
    assert {b.key for b in at.download_button} >= {"rnd_let_pdf", "rnd_let_docx", "rnd_let_csv"}
    made = at.session_state["rnd_letters"]["letters"]
    assert [(x.gi, x.respondent_type) for x in made] == [("JBG", "ouder")] * 2 + [("JBN", "ouder")] * 2 + [
        ("WSS", "ouder")
    ] * 2
    qrs = read_qr_codes(L.letters_pdf(made))
    for letter, (qr,) in zip(made, qrs):
        assert qr == f"https://vragenlijst.example.nl/?ronde={info.id}&code={letter.code}&gi={letter.gi}"
        assert db.check_code(info.id, letter.code) == "valid"
    assert db.invitation_counts(info.id)["invited"].tolist() == [2, 2, 2]
    # 'Klaar': the codes are gone from the session; the database only has their hashes
    at.button(key="rnd_let_done").click()
    run(at)
    assert "rnd_letters" not in at.session_state
    assert not [b for b in at.download_button if b.key == "rnd_let_pdf"]


def test_rounds_page_makes_reminders_from_the_mail_merge_csv(db):
    info = _inspection_round(db)
    codes = db.issue_codes(info.id, "JBG", "ouder", 3)
    first = L.make_letters(
        base_url="https://vragenlijst.example.nl",
        round_id=info.id,
        round_name=info.name,
        gi="JBG",
        respondent_type="ouder",
        codes=codes,
    )
    at = open_rounds()
    at.file_uploader(key=f"rnd_rem_file_{info.id}").upload("adressen.csv", L.mail_merge_csv(first), "text/csv")
    run(at)
    assert "3 herinneringen zijn klaar." in texts(at)
    assert {b.key for b in at.download_button} >= {"rnd_rem_pdf", "rnd_rem_docx"}
    # a list with a code of another round is refused as a whole
    other = db.setup_round(name="ander", gis=["JBG"])
    foreign = L.make_letters(
        base_url="https://x.nl",
        round_id=info.id,
        round_name="x",
        gi="JBG",
        respondent_type="ouder",
        codes=db.issue_codes(other.id, "JBG", "ouder", 1),
    )
    at = open_rounds()
    at.file_uploader(key=f"rnd_rem_file_{info.id}").upload("adressen.csv", L.mail_merge_csv(foreign), "text/csv")
    run(at)
    assert "1 code(s) horen niet bij deze ronde" in texts(at)


def test_rounds_page_open_round_letters_record_the_invited(db):
    info = db.setup_round(name="Zelfevaluatie JBN", gis=["JBN"], access="open", opens=TODAY)
    at = open_rounds()
    assert "Deze ronde heeft een open link." in texts(at)
    at.number_input(key="rnd_let_n").set_value(5)
    at.button(key="rnd_let_make").click()
    run(at)
    assert "10 brieven zijn klaar." in texts(at)
    assert {x.code for x in at.session_state["rnd_letters"]["letters"]} == {None}
    assert db.invitation_counts(info.id)["invited"].tolist() == [5, 5]


# --------------------------------------------------------------------------- monitor


def _monitor_round(db):
    info = _inspection_round(db)
    _answer(db, info.id, "JBG", "ouder", 12, week_day=dt.date(2026, 3, 4))
    _answer(db, info.id, "JBG", "jeugdige", 4, week_day=dt.date(2026, 3, 11))
    _answer(db, info.id, "JBN", "ouder", 15, week_day=dt.date(2026, 3, 11))
    _answer(db, info.id, "WSS", "ouder", 3, week_day=dt.date(2026, 3, 24))
    return info


def _monitor_table(at):
    return next(df.value for df in at.dataframe if "Ingevuld" in df.value.columns)


def test_rounds_page_monitor_shows_exact_counts_to_those_who_run_rounds(db):
    info = _monitor_round(db)
    for role in ("beheerder", "inspecteur"):
        at = open_rounds(role)
        table = _monitor_table(at)
        rows = {(r["Instelling"][:3].strip(), r["Respondent"]): r for r in table.to_dict("records")}
        assert rows[("JBG", "Jeugdigen")]["Ingevuld"] == "4"
        assert rows[("JBG", "Ouders")]["Uitgenodigd"] == "12" and rows[("JBG", "Ouders")]["Respons"] == "100%"
        assert rows[("All", "")]["Ingevuld"] == "34"
        body = texts(at)
        assert "U ziet de precieze aantallen" in body
        assert "JBG - Jeugdbescherming Gelderland, Jeugdigen: bij dit tempo blijven het er minder dan 10" in body
        assert "William Schrikker" in body and "begint later dan de andere instellingen" in body
        assert "Codes: 34 gemaakt, 34 gebruikt." in body
        (chart,) = at.get("vega_lite_chart")  # responses per week (bars) and the running total (line)
        assert '"field": "Week"' in chart.proto.spec and '"field": "Antwoorden"' in chart.proto.spec
    # a new response shows up
    _answer(db, info.id, "JBG", "jeugdige", 1, week_day=dt.date(2026, 3, 25))
    table = _monitor_table(open_rounds())
    assert table[table["Respondent"] == "Jeugdigen"]["Ingevuld"].tolist()[0] == "5"


def test_rounds_page_monitor_hides_small_counts_from_other_roles(db):
    _monitor_round(db)
    at = open_rounds("onderzoeker")
    table = _monitor_table(at)
    cells = table["Ingevuld"].tolist()
    assert "4" not in cells and "3" not in cells and "verborgen" in cells and "minder dan 10" not in cells
    assert "12" in cells and "15" in cells
    assert "U ziet dezelfde aantallen als op de pagina Overzicht." in texts(at)
    assert "Codes:" not in texts(at)
    # an onderzoeker changes nothing
    assert not [b for b in at.button if b.key and b.key.startswith(("rnd_new", "rnd_close", "rnd_let_make"))]


def test_rounds_page_monitor_gi_reads_its_counts_from_the_protected_table(db):
    # issue 9, H4: 30 parents and 6 youths of JBG; the protected table (Overzicht) shows the total 36,
    # so the monitor must not show the 30 (36 - 30 = 6), nor a weekly point that gives it away
    from survey_app.dashboard import data_access

    info = _inspection_round(db)
    _answer(db, info.id, "JBG", "ouder", 18, week_day=dt.date(2026, 3, 4))
    _answer(db, info.id, "JBG", "ouder", 12, week_day=dt.date(2026, 3, 11))
    _answer(db, info.id, "JBG", "jeugdige", 6, week_day=dt.date(2026, 3, 18))
    _answer(db, info.id, "JBN", "ouder", 20, week_day=dt.date(2026, 3, 4))
    _answer(db, info.id, "JBN", "jeugdige", 15, week_day=dt.date(2026, 3, 11))
    data = data_access.protected_data(db)
    assert data.view({"round_id": info.id, "gi": "JBG"}).respondents.n == 36
    at = open_rounds("gi", gi="JBG")
    table = _monitor_table(at)
    assert table["Ingevuld"].tolist() == ["verborgen", "verborgen", "36"]
    weekly = next(df.value for df in at.dataframe if "Week" in df.value.columns)
    # 18 by week 10; 30 by week 11 is hidden in the table (and only 6 under the total); 36 is the shown total
    assert weekly.to_dict("list") == {
        "Week": ["2026-W10", "2026-W11", "2026-W12"],
        "Totaal tot nu": ["18", "niet getoond", "36"],
    }
    alternative = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "30" not in alternative.replace("2026", "")
    assert [m.value for m in at.metric if m.label == "Ingevuld"] == ["36"]
    # those who run rounds still see the exact counts, live
    table = _monitor_table(open_rounds("beheerder"))
    assert "30" in table["Ingevuld"].tolist() and "6" in table["Ingevuld"].tolist()


def test_rounds_page_gi_sees_only_its_own_institution_and_runs_only_its_own_rounds(db):
    inspection = _monitor_round(db)
    at = open_rounds("gi", gi="JBG")
    table = _monitor_table(at)
    assert {r[:3] for r in table["Instelling"]} == {"JBG"}
    assert "verborgen" in table["Ingevuld"].tolist() and "4" not in table["Ingevuld"].tolist()
    # the pace warning names the institution, not which (hidden) group is small
    body = texts(at)
    assert "JBG - Jeugdbescherming Gelderland: bij dit tempo krijgt een groep minder dan 10 antwoorden" in body
    assert "Jeugdigen: bij dit tempo" not in body
    assert "U kunt deze ronde bekijken, maar niet wijzigen." in texts(at)
    assert not [b for b in at.button if b.key == "rnd_let_make"]
    # its own self-evaluation round: the institution is fixed
    at.text_input(key="rnd_new_name").input("Zelfevaluatie JBG")
    at.button(key="rnd_new_create").click()
    run(at)
    own = next(r for r in db.list_rounds() if r.id != inspection.id)
    assert own.gis == ("JBG",) and own.access == "open"
    assert [b for b in at.button if b.key == "rnd_let_make"]
    # a gi of another institution does not see the round at all
    at = open_rounds("gi", gi="JBRA")
    assert "Er is nog geen ronde." in texts(at)


def test_rounds_page_in_english(db):
    _monitor_round(db)
    at = open_rounds(dash_lang="en")
    assert at.title[0].value == "Rounds"
    assert [t.label for t in at.tabs] == ["Settings", "Letters", "Responses", "Preview", "Versions"]
    table = next(df.value for df in at.dataframe if "Responded" in df.value.columns)
    assert "Parents" in table["Respondent"].tolist()
    assert "You see exact counts" in texts(at)


def test_rounds_page_without_a_role_shows_nothing(db):
    _inspection_round(db)
    at = open_rounds(None)
    assert "U heeft geen toegang tot deze pagina." in texts(at)
    assert not at.selectbox and not at.dataframe


# --------------------------------------------------------------------------- preview and versions


def test_rounds_page_preview_shows_each_version_read_only_in_the_languages_offered(db):
    info = _inspection_round(db, languages=["nl", "en"])
    at = open_rounds()
    assert at.radio(key=f"rnd_pv_lang_{info.id}").options == ["Nederlands", "Engels"]
    key = f"rnd_pv_{info.id}_nl_ouder_measure_type"
    radio = at.radio(key=key)
    assert radio.disabled and radio.label == "Welke maatregel heeft uw kind? *"
    at.radio(key=f"rnd_pv_type_{info.id}").set_value("jeugdige")
    at.radio(key=f"rnd_pv_lang_{info.id}").set_value("en")
    run(at)
    radio = at.radio(key=f"rnd_pv_{info.id}_en_jeugdige_measure_type")
    assert radio.disabled and radio.label == "What measure do you have? *"
    assert at.pills(key=f"rnd_pv_{info.id}_en_jeugdige_grade").disabled
    assert "Your answers are anonymous" in texts(at)
    # before a round opens, the preview is there already
    later = db.setup_round(name="later", gis=["JBG"], opens=TODAY + dt.timedelta(days=14), languages="nl")
    run(at)
    at.selectbox(key="rnd_pick").set_value(later.id)
    run(at)
    assert at.selectbox(key="rnd_pick").format_func(later.id) == "later (nog niet open)"
    assert at.radio(key=f"rnd_pv_{later.id}_nl_ouder_measure_type").disabled
    only_nl = db.setup_round(name="alleen nl", gis=["JBG"], languages="nl")
    run(at)
    at.selectbox(key="rnd_pick").set_value(only_nl.id)
    run(at)
    assert at.radio(key=f"rnd_pv_lang_{only_nl.id}").options == ["Nederlands"]


def test_rounds_page_versions_shows_no_difference_then_the_uploaded_ones(db):
    import yaml
    from test_questionnaire_diff import _v2

    info = _inspection_round(db)
    at = open_rounds()
    assert "Geen verschillen: alle vragen zijn gelijk." in texts(at)
    assert "gi-clientervaring@1" in texts(at)
    at.file_uploader(key=f"rnd_ver_file_{info.id}").upload(
        "concept-v2.yaml", yaml.safe_dump(_v2(), allow_unicode=True).encode(), "application/yaml"
    )
    run(at)
    table = next(df.value for df in at.dataframe if "Verschil" in df.value.columns)
    assert set(table["Vraag (id)"]) == {"had_gap", "opinion_asked", "grade", "comment_improve", "would_recommend"}
    assert "1 gewijzigd" not in texts(at) and "3 gewijzigd, 1 nieuw, 1 vervallen" in texts(at)


# --------------------------------------------------------------------------- the dashboards follow the round


def _seed_dashboards(db, *, demo: bool):
    from sample_data import generate

    if demo:
        db.ensure_demo_round(lambda: generate(n=400, seed=3))
    old = db.setup_round(
        name="Ronde 2025",
        gis=list(contract.GI_CODES),
        access="open",
        round_id="r2025",
        opens=dt.date(2025, 3, 1),
        closes=dt.date(2025, 4, 30),
    )
    db.import_responses(generate(n=300, seed=4, round_id="r2025"), round_id="r2025")
    db.close_round(old.id)
    new = db.setup_round(
        name="Ronde 2026", gis=list(contract.GI_CODES), access="open", round_id="r2026", opens=dt.date(2026, 3, 1)
    )
    db.import_responses(generate(n=200, seed=5, round_id="r2026"), round_id="r2026")
    return old, new


@pytest.fixture
def staff_db(db, monkeypatch):
    """``db`` on a staff server with an inspecteur account (the dashboards need a signed-in person)."""
    staff_server(monkeypatch)
    make_users(db, roles=("inspecteur",))
    return db


def _open_screen(name: str, storage, **state) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
    sign_in(at, storage, ROLE_ACCOUNTS["inspecteur"][0])
    for k, v in state.items():
        at.session_state[k] = v
    return run(at)


def test_inspectierapport_compares_with_the_demo_round_by_default(staff_db):
    db = staff_db
    _seed_dashboards(db, demo=True)
    at = _open_screen("inspectierapport", db)
    pick = at.selectbox(key="ref_round")
    assert pick.value == contract.DEMO_ROUND_ID
    assert pick.format_func("r2025") == "Ronde 2025"  # by name
    assert at.sidebar.multiselect(key="flt_round").disabled  # the page picks one round itself
    assert "400 respondenten in deze selectie." in texts(at)


def test_inspectierapport_without_demo_takes_the_latest_closed_round_and_its_national_institutions(staff_db):
    db = staff_db
    _seed_dashboards(db, demo=False)
    at = _open_screen("inspectierapport", db)
    assert at.selectbox(key="ref_round").value == "r2025"
    assert "300 respondenten in deze selectie." in texts(at)
    db.set_national("r2025", "WSS", False)
    from survey_app.dashboard import context

    context.clear_data_cache()
    at = _open_screen("inspectierapport", db)
    body = texts(at)
    # the national institutions are a list, not a cell of the one protected table: figures without
    # WSS would give WSS's figures away next to the other pages (issue 9, H2), so the page says why
    assert "Geen landelijke cijfers voor deze ronde: WSS telt niet mee in de landelijke cijfers." in body
    assert "respondenten in deze selectie." not in body


def test_dashboard_round_filter_shows_round_names(staff_db):
    db = staff_db
    _seed_dashboards(db, demo=False)
    at = _open_screen("overzicht", db)
    flt = at.sidebar.multiselect(key="flt_round")
    assert flt.options == ["Ronde 2026", "Ronde 2025"]
    from survey_app.dashboard import data_access

    opts = data_access.filter_options(db, data_access.scope_for("inspecteur"))
    assert opts.round_ids == ("r2026", "r2025") and opts.round_label("r2025") == "Ronde 2025"
    assert opts.round_label("only-in-data") == "only-in-data"


# --------------------------------------------------------------------------- the questionnaire follows the round


def _respond(**params) -> AppTest:
    at = AppTest.from_file(str(PAGES / "respond.py"), default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return run(at)


def test_questionnaire_offers_only_the_rounds_languages(db):
    only_nl = db.setup_round(name="alleen nl", gis=["JBG"], languages="nl", access="open")
    at = _respond(ronde=only_nl.id, taal="en")
    assert at.title[0].value == "Wat vindt u van uw jeugdzorgwerker?"  # English asked for, not offered
    assert not [b for b in at.button if b.key == "rf_lang"]
    both = db.setup_round(name="beide", gis=["JBG"], access="open")
    at = _respond(ronde=both.id, taal="en")
    assert at.title[0].value == "What do you think of your youth protection worker?"
    assert [b for b in at.button if b.key == "rf_lang"]


def test_questionnaire_of_a_late_institution_says_when_it_opens(db):
    today = dt.date.today()
    info = db.setup_round(
        name="laat",
        gis=["JBG", "WSS"],
        opens=today - dt.timedelta(days=7),
        closes=today + dt.timedelta(days=30),
        gi_dates={"WSS": (today + dt.timedelta(days=7), None)},
        access="open",
    )
    at = _respond(ronde=info.id, gi="WSS")
    assert "Deze vragenlijst is nog niet open." in at.warning[0].value
    assert "U kunt hem invullen vanaf" in at.warning[0].value
    assert not [b for b in at.button if b.key == "rf_start"]
    at = _respond(ronde=info.id, gi="JBG")
    assert [b for b in at.button if b.key == "rf_start"]
    # without an institution in the link: choosing the late one is stopped before any question
    at = _respond(ronde=info.id)
    at.radio(key="rf_who").set_value("ouder")
    at.radio(key="rf_gi").set_value("WSS")
    at.button(key="rf_start").click()
    run(at)
    assert any("nog niet open" in w.value for w in at.warning)
    assert not at.header  # still on the welcome page


# --------------------------------------------------------------------------- a late institution's own report waits

HOLD_NL = "Het eigen rapport van WSS wacht tot het veldwerk sluit op"


def _late_wss_round(db):
    """A running round of all five institutions in which WSS started late (dates around the real today)."""
    from sample_data import generate

    today = dt.date.today()
    info = db.setup_round(
        name="Lopende ronde",
        gis=list(contract.GI_CODES),
        access="open",
        round_id="rlopend",
        opens=today - dt.timedelta(days=28),
        closes=today + dt.timedelta(days=14),
        gi_dates={"WSS": (today - dt.timedelta(days=7), today + dt.timedelta(days=35))},
    )
    db.import_responses(generate(n=300, seed=6, round_id="rlopend"), round_id="rlopend")
    n_wss = int((db.load_responses(round_ids="rlopend")["gi"] == "WSS").sum())
    assert n_wss >= 20
    return info, today + dt.timedelta(days=35), n_wss


def _open_as(name: str, storage, screen: str, **state) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{screen}.py"), default_timeout=TIMEOUT)
    sign_in(at, storage, name)
    for k, v in state.items():
        at.session_state[k] = v
    return run(at)


def test_late_institution_own_pages_wait_for_its_gi_account(staff_db):
    # issue 9 H5/M4: a gi account reads no figure of a round until its fieldwork has closed for every
    # institution, so the late one's own pages say the round waits (until WSS's closing day), and so do
    # those of an institution that started on time (national minus the others would give WSS's figures)
    from analysis.wording import format_date
    from survey_app.auth import accounts
    from survey_app.dashboard import context

    db = staff_db
    info, wss_closes, n_wss = _late_wss_round(db)
    accounts.add_user(db, "gi-wss", role="gi", gi="WSS", password="een-lang-test-wachtwoord-42", actor="test")
    make_users(db, roles=("gi",))  # gi-jbn
    context.clear_data_cache()
    message = i18n.text("open_round.waits_until", "nl", round="Lopende ronde", date=format_date(wss_closes, "nl"))
    for account in ("gi-wss", ROLE_ACCOUNTS["gi"][0]):
        for screen in ("overzicht", "opmerkingen", "rondeverslag", "vergelijken"):
            at = _open_as(account, db, screen, flt_round=["rlopend"])
            body = texts(at)
            assert message in body, (account, screen)
            assert not at.get("vega_lite_chart") and not at.download_button, screen  # no figure, no file
            assert "respondenten in deze selectie" not in body
        at = _open_as(account, db, "inspectierapport", ref_round="rlopend")
        assert message in texts(at) and not at.get("vega_lite_chart")


def test_late_institution_counts_nationally_while_its_own_views_wait(staff_db):
    from survey_app.dashboard import context

    db = staff_db
    _late_wss_round(db)
    context.clear_data_cache()
    # national: WSS's answers are in
    at = _open_screen("overzicht", db)
    assert "300 respondenten in deze selectie." in texts(at) and HOLD_NL not in texts(at)
    at = _open_screen("inspectierapport", db, ref_round="rlopend")
    assert "300 respondenten in deze selectie." in texts(at) and HOLD_NL not in texts(at)
    # WSS alone in the institution filter: the message instead of figures
    at = _open_screen("overzicht", db, flt_gi=["WSS"])
    assert HOLD_NL in texts(at) and not at.get("vega_lite_chart")
    at = _open_screen("inspectierapport", db, flt_gi=["WSS"], ref_round="rlopend")
    assert HOLD_NL in texts(at) and not at.get("vega_lite_chart")
    at = _open_screen("import_export", db, flt_gi=["WSS"])
    assert HOLD_NL in texts(at)
    assert not [b for b in at.download_button if b.key in ("exp_docx", "exp_html")]  # no round report
    # another institution alone is shown; WSS against the rest waits, JBG against the rest does not
    at = _open_screen("overzicht", db, flt_gi=["JBG"])
    assert HOLD_NL not in texts(at) and at.get("vega_lite_chart")
    at = _open_screen("vergelijken", db, cmp_gi="WSS")
    assert HOLD_NL in texts(at) and not at.get("vega_lite_chart")
    at = _open_screen("vergelijken", db, cmp_gi="JBG")
    assert HOLD_NL not in texts(at) and at.get("vega_lite_chart")


def test_late_institution_own_report_is_shown_once_its_fieldwork_closed(staff_db):
    from survey_app.dashboard import context

    db = staff_db
    info, _, n_wss = _late_wss_round(db)
    db.close_round(info.id)
    context.clear_data_cache()
    at = _open_screen("overzicht", db, flt_gi=["WSS"])
    assert HOLD_NL not in texts(at)
    assert f"{n_wss} respondenten in deze selectie." in texts(at)


# --------------------------------------------------------------------------- the audit log


def test_rounds_page_changes_and_letters_are_in_the_logboek(db, monkeypatch):
    """Every change on the Rondes page goes through survey_app.auth.actions: the Logboek shows it, never a code."""
    info = _inspection_round(db)
    rid = info.id
    at = open_rounds(name="beheer")
    at.selectbox(key=f"rnd_edit_gi_{rid}").set_value("WSS")
    run(at)
    at.date_input(key=f"rnd_edit_closes_{rid}_WSS").set_value(dt.date(2026, 5, 31))
    at.button(key=f"rnd_edit_save_{rid}").click()
    run(at)
    at.checkbox(key=f"rnd_nat_{rid}_JBN").uncheck()
    run(at)
    at.multiselect(key=f"rnd_let_types_{rid}").set_value(["ouder"])
    at.number_input(key="rnd_let_n").set_value(2)
    at.button(key="rnd_let_make").click()
    run(at)
    codes = [x.code for x in at.session_state["rnd_letters"]["letters"]]
    assert len(codes) == 6
    # a reminder from the mail-merge file: audited once, not on every rerun
    from survey_app.dashboard import rounds

    csv = L.mail_merge_csv(at.session_state["rnd_letters"]["letters"][:2])
    at.button(key="rnd_let_done").click()
    run(at)
    at.file_uploader(key=f"rnd_rem_file_{rid}").upload("adressen.csv", csv, "text/csv")
    run(at)
    run(at)
    assert at.session_state[rounds.REMINDERS_AUDITED_KEY]
    at.checkbox(key=f"rnd_close_sure_{rid}").check()
    run(at)
    at.button(key=f"rnd_close_{rid}").click()
    run(at)
    at.date_input(key=f"rnd_reopen_closes_{rid}").set_value(dt.date(2026, 6, 7))
    at.button(key=f"rnd_reopen_{rid}").click()
    run(at)
    log = db.list_audit()
    actions = sorted(r.action for r in log)
    assert actions == sorted(
        ["round_dates", "round_national", "round_codes", "round_codes", "round_codes", "letters_made"]
        + ["reminders_made", "round_close", "round_reopen"]
    )
    assert {r.actor for r in log} == {"beheer"} and {r.target for r in log} == {rid}
    everything = " ".join(f"{r.detail}" for r in log)
    assert not any(c in everything or c.replace("-", "") in everything for c in codes)

    # the Logboek (beheerder) names them
    staff_server(monkeypatch)
    make_users(db, roles=("beheerder",))
    at = AppTest.from_file(str(PAGES / "logboek.py"), default_timeout=TIMEOUT)
    sign_in(at, db, ROLE_ACCOUNTS["beheerder"][0])
    run(at)
    table = at.dataframe[0].value
    shown = set(table["Wat"])
    assert {
        "data van de ronde gewijzigd",
        "landelijke cijfers aangepast",
        "codes gemaakt",
        "brieven gemaakt",
        "herinneringen gemaakt",
        "ronde gesloten",
        "ronde heropend",
    } <= shown
    assert "WSS 2026-03-23..2026-05-24 -> 2026-03-23..2026-05-31" in set(table["Details"])
    assert set(table.loc[table["Wat"] == "ronde gesloten", "Waarop"]) == {f"{info.name} ({rid})"}  # by name
    at.multiselect(key="audit_actions").set_value(["letters_made", "letters_download"])
    run(at)
    assert set(at.dataframe[0].value["Wat"]) == {"brieven gemaakt"}
    assert at.multiselect(key="audit_actions").format_func("letters_download") == "brieven gedownload"


def test_rounds_letters_download_is_audited_when_the_file_is_made(db):
    """The download buttons make their file only for a signed-in session, and write who downloaded what."""
    from survey_app.auth import actions, session

    info = _inspection_round(db)
    make_users(db, roles=("inspecteur",))
    from _auth_helpers import session_for

    codes = db.issue_codes(info.id, "JBG", "ouder", 2)
    made = L.make_letters(
        base_url="https://x.nl", round_id=info.id, round_name=info.name, gi="JBG", respondent_type="ouder", codes=codes
    )
    name = ROLE_ACCOUNTS["inspecteur"][0]

    def audit(actor):
        actions.letters_downloaded(db, info.id, made, "pdf", actor=actor)

    make = session.guarded(
        lambda: L.letters_pdf(made), storage=db, signed=session_for(db, name), what=info.id, audit_with=audit
    )
    assert not db.list_audit(actions=["letters_download"])  # nothing until the file is made
    assert make()[:4] == b"%PDF"
    (entry,) = db.list_audit(actions=["letters_download"])
    assert (entry.actor, entry.target, entry.detail) == (name, info.id, "pdf: 2 letters: JBG/ouder 2")
    with pytest.raises(PermissionError):  # signed out: no file, no entry
        session.guarded(lambda: b"", storage=db, signed=None, what=info.id, audit_with=audit)()
    assert len(db.list_audit(actions=["letters_download"])) == 1


# --------------------------------------------------------------------------- issue 12: easy-read, weekly chart


def test_rounds_page_switches_the_easy_read_version_and_the_questionnaire_follows(db):
    info = db.setup_round(name="Makkelijk of niet", gis=["JBG"], languages="nl", access="open")
    assert db.get_round(info.id).easy_read  # offered by default
    assert [b for b in _respond(ronde=info.id).button if b.key == "rf_variant"]
    at = open_rounds(name="beheer")
    toggle = at.toggle(key=f"rnd_easy_read_{info.id}")
    assert toggle.value is True and "Makkelijke versie" in texts(at)
    toggle.set_value(False)
    run(at)
    assert db.get_round(info.id).easy_read is False
    assert "biedt de makkelijke versie niet meer aan" in texts(at)
    assert not [b for b in _respond(ronde=info.id).button if b.key == "rf_variant"]  # no switch for respondents
    at = open_rounds(name="beheer")
    assert at.toggle(key=f"rnd_easy_read_{info.id}").value is False
    at.toggle(key=f"rnd_easy_read_{info.id}").set_value(True)
    run(at)
    assert db.get_round(info.id).easy_read is True
    assert [b for b in _respond(ronde=info.id).button if b.key == "rf_variant"]
    log = [(r.actor, r.action, r.detail) for r in db.list_audit()]
    assert log.count(("beheer", "round_easy_read", "easy_read=off")) == 1
    assert log.count(("beheer", "round_easy_read", "easy_read=on")) == 1
    # an onderzoeker sees the round but cannot change it
    assert not [w for w in open_rounds("onderzoeker").toggle if w.key == f"rnd_easy_read_{info.id}"]


def test_rounds_page_weekly_chart_has_a_title_a_description_and_its_numbers_as_a_table(db):
    _monitor_round(db)
    at = open_rounds()
    (chart,) = at.get("vega_lite_chart")
    assert "Ingevulde vragenlijsten per week" in chart.proto.spec
    table = next(df.value for df in at.dataframe if "Week" in df.value.columns)
    # 12 parents in week 10, 4 youths and 15 parents in week 11, none in week 12, 3 in week 13
    assert table.to_dict("list") == {
        "Week": ["2026-W10", "2026-W11", "2026-W12", "2026-W13"],
        "Antwoorden": ["12", "19", "0", "3"],
        "Totaal tot nu": ["12", "31", "31", "34"],
    }
    alternative = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "2026-W11: 19, tot nu toe 31" in alternative and "van 2026-W10 tot en met 2026-W13" in alternative
    # a reader without exact counts: the running total only, small numbers hidden
    at = open_rounds("onderzoeker")
    table = next(df.value for df in at.dataframe if "Week" in df.value.columns)
    assert list(table.columns) == ["Week", "Totaal tot nu"]
    # steps of at least 10 and at least 10 under the total (31 is 3 under 34), and only where each
    # institution's own series shows a point (12 in week 10 is JBG alone, whose own series holds it back);
    # the total is a shown cell of the protected table
    assert table["Totaal tot nu"].tolist() == ["niet getoond", "niet getoond", "niet getoond", "34"]
    assert "Antwoorden" not in table.columns
    assert "Een week krijgt alleen een getal als er sinds het vorige getal minstens 10 bij zijn gekomen" in texts(at)
