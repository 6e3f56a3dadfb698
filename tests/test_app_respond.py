"""The respondent page in Streamlit's AppTest, on a real temporary database.

Every test points SURVEY_DATABASE_URL at its own fresh database (SQLite, and a
fresh PostgreSQL schema under ``make test``; fixtures in tests/db_fixtures.py)
before the app runs; the app's cached Storage is keyed on that location and
closed after the test.
"""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import contract
from survey_app.respond import widgets as ui
from survey_app.storage import Storage

APP = str(Path(__file__).resolve().parents[1] / "survey_app" / "web" / "app.py")
TIMEOUT = 60


@pytest.fixture
def storage(db_url, make_storage, monkeypatch):
    """A fresh database (SQLite, and PostgreSQL under make test) that the app uses too."""
    monkeypatch.setenv("SURVEY_DATABASE_URL", db_url)  # survey_env set the data dir and secret key
    yield make_storage()
    ui.release_storages()  # close the app's cached Storage on this database


def open_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answer(at: AppTest, item_id: str, value) -> AppTest:
    key = f"q_{item_id}"
    if item_id == "grade":
        at.button_group(key=key).set_value(value).run()
    elif item_id.startswith("comment_"):
        at.text_area(key=key).input(value).run()
    else:
        at.radio(key=key).set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_questions(at: AppTest) -> set[str]:
    keys = [w.key for w in (*at.radio, *at.button_group, *at.text_area)]
    return {k[2:] for k in keys if k and k.startswith("q_")}


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in (
            at.title,
            at.header,
            at.subheader,
            at.markdown,
            at.warning,
            at.error,
            at.info,
            at.success,
            at.caption,
        )
        for e in kind
    ]
    return "\n".join(str(p) for p in parts)


def start(at: AppTest, rtype: str | None = None, gi: str | None = None, code: str | None = None) -> AppTest:
    if rtype is not None:
        at.radio(key="rf_who").set_value(rtype).run()
    if gi is not None:
        at.radio(key="rf_gi").set_value(gi).run()
    if code is not None:
        at.text_input(key="rf_code").input(code).run()
    return click(at, "rf_start")


YOUTH = {
    "start": {"measure_type": "jeugdreclassering"},
    "werker": {"n_workers": 2, "had_gap": "nee", "contact_one_on_one": "meer_dan_1"},
    "meedoen": {
        "explained_at_start": "ja",
        "opinion_asked": "altijd",
        "involved_in_decisions": "soms",
        "asked_life_domains": "een_beetje",
        "asked_safety": "ja",
        "say_in_plan": "ja",
    },
    "hulp": {"help_improves": "ja"},
    "oordeel": {
        "quality_time_attention": "ja",
        "quality_understanding": "een_beetje",
        "quality_respectful": "ja",
        "quality_expert": "ja",
        "quality_clear": "nee",
        "quality_reachable": "een_beetje",
    },
    "cijfer": {"grade": 8, "comment_grade": "Ze luistert naar mij.", "comment_improve": ""},
}
PARENT_NO_WORKER = {
    "start": {"measure_type": "ots"},
    "werker": {"n_workers": 0, "had_gap": "ja"},
    "meedoen": {"opinion_asked": "soms"},
    "hulp": {},
    "cijfer": {"grade": 3},
}


def fill_steps(at: AppTest, steps: dict[str, dict]) -> list[str]:
    """Answer step by step, pressing Volgende; returns the step headers seen."""
    seen = []
    for answers in steps.values():
        seen.append(at.header[0].value)
        for item_id, value in answers.items():
            answer(at, item_id, value)
        click(at, "rf_next")
    return seen


def only_response(storage: Storage, round_id: str) -> pd.Series:
    df = storage.load_responses(round_ids=[round_id])
    assert len(df) == 1
    return df.iloc[0]


# --------------------------------------------------------------------------- full flows


def test_respond_youth_full_flow_stores_exactly_the_answers(storage):
    info, _ = storage.create_round(name="Voorjaar", gis=("JBG",))
    at = open_app(ronde=info.id)
    assert "anoniem" in texts(at) and "minstens 10" in texts(at)
    at = start(at, "jeugdige")
    assert at.radio(key="q_measure_type").label == "Welke maatregel heb jij? *"
    seen = fill_steps(at, YOUTH)
    # youths are addressed with "jij", also in the step titles
    assert seen == [
        "Over de maatregel",
        "Jouw jeugdzorgwerker",
        "Meedoen en meepraten",
        "De hulp",
        "Wat vind jij van de jeugdzorgwerker?",
        "Rapportcijfer",
    ]
    # review: every answer listed, nothing stored yet
    assert at.header[0].value == "Kloppen je antwoorden?"
    body = texts(at)
    assert "Jeugdreclassering" in body and "Ze luistert naar mij\\." in body and "(niet ingevuld)" in body
    assert storage.count_responses(info.id) == 0
    click(at, "rf_submit")
    assert at.title[0].value == "Bedankt!"
    row = only_response(storage, info.id)
    assert (row["gi"], row["respondent_type"]) == ("JBG", "jeugdige")
    for step in YOUTH.values():
        for item_id, value in step.items():
            if value == "":
                assert pd.isna(row[item_id]), item_id
            else:
                assert row[item_id] == value, item_id
    assert row["submitted_week"] == "{}-W{:02d}".format(*dt.date.today().isocalendar()[:2])


def test_respond_parent_with_no_worker_skips_conditional_items(storage):
    info, _ = storage.create_round(name="Najaar", gis=("WSS",), respondent_types=("ouder",))
    at = open_app(ronde=info.id)
    assert all(r.key != "rf_who" for r in at.radio)  # the round fixes the type
    at = start(at)
    answer(at, "measure_type", "ots")
    click(at, "rf_next")
    answer(at, "n_workers", 0)
    assert shown_questions(at) == {"n_workers", "had_gap"}
    answer(at, "n_workers", 1)
    assert "contact_one_on_one" in shown_questions(at)
    answer(at, "contact_one_on_one", "nooit")
    answer(at, "n_workers", 0)  # the answer to the now hidden question must not be stored
    assert shown_questions(at) == {"n_workers", "had_gap"}
    click(at, "rf_back")
    seen = fill_steps(at, PARENT_NO_WORKER)
    assert "Wat vindt u van de jeugdzorgwerker?" not in seen
    assert "Uw jeugdzorgwerker" in seen
    click(at, "rf_submit")
    row = only_response(storage, info.id)
    assert (row["respondent_type"], row["gi"], row["n_workers"], row["grade"]) == ("ouder", "WSS", 0, 3)
    assert pd.isna(row["contact_one_on_one"])
    assert all(pd.isna(row[c]) for c in contract.QUALITY_ITEMS)
    assert row["opinion_asked"] == "soms" and pd.isna(row["explained_at_start"])


def test_respond_required_item_blocks_next_with_a_friendly_message(storage):
    info, _ = storage.create_round(name="R", gis=("JBG",))
    at = start(open_app(ronde=info.id), "ouder")
    click(at, "rf_next")
    assert at.header[0].value == "Over de maatregel"
    assert any("Wilt u deze vraag nog invullen?" in w.value for w in at.warning)
    answer(at, "measure_type", "voogdij")
    click(at, "rf_next")
    assert at.header[0].value == "Uw jeugdzorgwerker"


def test_respond_review_edit_goes_back_and_keeps_answers(storage):
    info, _ = storage.create_round(name="R", gis=("JBG",))
    at = start(open_app(ronde=info.id), "ouder")
    fill_steps(at, PARENT_NO_WORKER)
    click(at, "rf_edit_start")
    assert at.header[0].value == "Over de maatregel"
    assert at.radio(key="q_measure_type").value == "ots"
    answer(at, "measure_type", "voogdij")
    for _ in range(5):
        click(at, "rf_next")
    assert at.header[0].value == "Kloppen uw antwoorden?"
    click(at, "rf_submit")
    assert only_response(storage, info.id)["measure_type"] == "voogdij"


def test_respond_language_switch_keeps_answers_and_shows_english(storage):
    info, _ = storage.create_round(name="R", gis=("JBG",))
    at = open_app(ronde=info.id, taal="en")
    assert at.title[0].value == "What do you think of your youth protection worker?"
    at = start(at, "jeugdige")
    answer(at, "measure_type", "ots")
    click(at, "rf_lang")
    assert at.header[0].value == "Over de maatregel"
    assert at.radio(key="q_measure_type").value == "ots"


def test_respond_institution_choice_only_when_round_has_several(storage):
    info, _ = storage.create_round(name="R", gis=("JBG", "JBN"))
    at = open_app(ronde=info.id)
    assert at.radio(key="rf_gi").options == [contract.GI_NAMES["JBG"], contract.GI_NAMES["JBN"]]
    at = start(at, "ouder")
    assert any("Kies eerst de organisatie" in w.value for w in at.warning)
    at = start(at, gi="JBN")
    fill_steps(at, PARENT_NO_WORKER)
    click(at, "rf_submit")
    assert only_response(storage, info.id)["gi"] == "JBN"
    fixed = open_app(ronde=info.id, gi="jbg")
    assert all(r.key != "rf_gi" for r in fixed.radio)
    foreign = open_app(ronde=info.id, gi="WSS")
    assert "organisatie hoort niet bij deze vragenlijst" in texts(foreign)


# --------------------------------------------------------------------------- rounds that cannot be used


@pytest.mark.parametrize("kind", ["unknown", "closed", "closed_by_date", "not_yet_open"])
def test_respond_unusable_round_shows_message_and_stores_nothing(storage, kind):
    today = dt.date.today()
    if kind == "unknown":
        round_id, expected = "bestaat-niet", "Deze vragenlijst bestaat niet"
    elif kind == "closed":
        info, _ = storage.create_round(name="R", gis=("JBG",))
        storage.close_round(info.id)
        round_id, expected = info.id, "Deze vragenlijst is gesloten"
    elif kind == "closed_by_date":
        info, _ = storage.create_round(
            name="R", gis=("JBG",), opens=today - dt.timedelta(days=30), closes=today - dt.timedelta(days=1)
        )
        round_id, expected = info.id, "Deze vragenlijst is gesloten"
    else:
        opens = today + dt.timedelta(days=3)
        info, _ = storage.create_round(name="R", gis=("JBG",), opens=opens)
        round_id, expected = info.id, "Deze vragenlijst is nog niet open"
    at = open_app(ronde=round_id)
    body = texts(at)
    assert expected in body
    assert "rf_start" not in [b.key for b in at.button] and not shown_questions(at)
    if kind == "not_yet_open":
        from survey_app.respond.flow import format_date

        assert format_date(opens) in body
    assert storage.count_responses() == 0


def test_respond_round_closing_during_the_flow_refuses_submit(storage):
    info, _ = storage.create_round(name="R", gis=("JBG",))
    at = start(open_app(ronde=info.id), "ouder")
    fill_steps(at, PARENT_NO_WORKER)
    storage.close_round(info.id)  # closed while the respondent was answering
    click(at, "rf_submit")
    assert "Deze vragenlijst is gesloten" in texts(at)
    assert storage.count_responses() == 0


def test_respond_link_without_round_explains(storage):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert "Gebruik de link uit uw uitnodiging" in texts(at)


# --------------------------------------------------------------------------- codes


def test_respond_code_round_with_code_in_link_submits_and_uses_the_code(storage):
    info, codes = storage.create_round(name="R", gis=("JBG",), access="codes", n_codes=2)
    at = open_app(ronde=info.id, code=codes[0].lower())
    assert all(t.key != "rf_code" for t in at.text_input)  # the link holds the code
    at = start(at, "jeugdige")
    fill_steps(at, PARENT_NO_WORKER)
    click(at, "rf_submit")
    assert at.title[0].value == "Bedankt!"
    assert storage.check_code(info.id, codes[0]) == "used"
    assert storage.check_code(info.id, codes[1]) == "valid"
    assert storage.count_responses(info.id) == 1


@pytest.mark.parametrize("which", ["invalid", "used"])
def test_respond_bad_code_in_link_is_refused_and_stores_nothing(storage, which):
    info, codes = storage.create_round(name="R", gis=("JBG",), access="codes", n_codes=2)
    if which == "used":
        storage.submit_response(
            info.id,
            {"measure_type": "ots", "n_workers": 0, "grade": 5},
            gi="JBG",
            respondent_type="ouder",
            code=codes[0],
            submission_token="t" * 32,
        )
        code, message = codes[0], "Deze code is al gebruikt"
    else:
        code, message = "AAAAA-AAAAA", "Deze code klopt niet"
    before = storage.count_responses()
    at = start(open_app(ronde=info.id, code=code), "ouder")
    assert message in texts(at)
    assert at.header == [] or at.header[0].value != "Over de maatregel"
    assert any(t.key == "rf_code" for t in at.text_input)  # may type another code
    assert storage.count_responses() == before
    at = start(at, code=codes[1])  # a good code typed by hand goes on
    assert at.header[0].value == "Over de maatregel"


def test_respond_code_typed_by_hand_is_required(storage):
    info, codes = storage.create_round(name="R", gis=("JBG",), access="codes", n_codes=1)
    at = start(open_app(ronde=info.id), "ouder")
    assert "Vul eerst uw code in" in texts(at)
    at = start(at, code=f"  {codes[0][:5]} {codes[0][6:].lower()} ")
    assert at.header[0].value == "Over de maatregel"


def test_respond_repeated_wrong_codes_are_slowed_down(storage, monkeypatch):
    import time

    waits, real_sleep = [], time.sleep

    def recording_sleep(seconds):
        waits.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", recording_sleep)
    info, _ = storage.create_round(name="R", gis=("JBG",), access="codes", n_codes=1)
    at = start(open_app(ronde=info.id), "ouder", code="BBBBB-BBBBB")
    for _ in range(2):
        assert "Deze code klopt niet" in texts(at) and "Te veel pogingen" not in texts(at)
        at = start(at, code="BBBBB-BBBBB")
    assert at.session_state["rf_state"].failures == 3
    assert "Deze code klopt niet" in texts(at) and "Te veel pogingen, wacht even" in texts(at)
    assert 0.5 not in waits
    at = start(at, code="CCCCC-CCCCC")  # the 4th check waits first, then fails again
    assert 0.5 in waits
    assert at.session_state["rf_state"].failures == 4
    assert "Te veel pogingen, wacht even" in texts(at)
    assert storage.count_responses() == 0


# --------------------------------------------------------------------------- double submission


def test_respond_resubmit_with_the_same_token_does_not_duplicate(storage):
    info, _ = storage.create_round(name="R", gis=("JBG",))
    at = start(open_app(ronde=info.id), "jeugdige")
    fill_steps(at, PARENT_NO_WORKER)
    state = at.session_state["rf_state"]
    token, answers = state.submission_token, dict(state.answers)
    click(at, "rf_submit")
    assert storage.count_responses(info.id) == 1
    # a second click that arrives after the commit: same token, same answers, back on the review
    state = at.session_state["rf_state"]
    assert state.stage == "done" and state.answers == {} and state.submission_token == token
    state.stage, state.answers = "review", answers
    at.run()
    click(at, "rf_submit")
    assert at.title[0].value == "Bedankt!"
    assert storage.count_responses(info.id) == 1
    at.run()  # a rerun of the thank-you page stores nothing either
    assert at.title[0].value == "Bedankt!" and storage.count_responses(info.id) == 1


def test_respond_next_person_on_the_same_device_starts_empty(storage):
    info, codes = storage.create_round(name="R", gis=("JBG",), access="codes", n_codes=2)
    at = start(open_app(ronde=info.id, code=codes[0]), "ouder")
    fill_steps(at, PARENT_NO_WORKER)
    click(at, "rf_submit")
    token = at.session_state["rf_state"].submission_token
    click(at, "rf_again")
    at = start(at, "jeugdige", code=codes[1])  # the link's code is used: the next person types their own
    assert at.radio(key="q_measure_type").value is None
    assert at.session_state["rf_state"].submission_token != token
    fill_steps(at, YOUTH)
    click(at, "rf_submit")
    assert storage.count_responses(info.id) == 2


# --------------------------------------------------------------------------- open rounds


def test_respond_open_round_takes_one_questionnaire_per_session(storage):
    info, _ = storage.create_round(name="Open", gis=("JBG",))
    other, _ = storage.create_round(name="Andere", gis=("JBG",))
    at = start(open_app(ronde=info.id), "ouder")
    fill_steps(at, PARENT_NO_WORKER)
    click(at, "rf_submit")
    assert at.title[0].value == "Bedankt!"
    assert "rf_again" not in [b.key for b in at.button]  # no second questionnaire from this session
    # the same session opens the link again: a friendly message, no questions
    at.query_params["ronde"] = other.id
    at.run()
    assert at.title[0].value == "Wat vindt u van uw jeugdzorgwerker?"  # another round is fine
    at.query_params["ronde"] = info.id
    at.run()
    assert "U heeft de vragenlijst al ingevuld" in texts(at)
    assert "rf_start" not in [b.key for b in at.button] and not shown_questions(at)
    assert storage.count_responses(info.id) == 1
    # a new browser session may fill it in (open links suit self-evaluation; inspections use codes)
    assert "rf_start" in [b.key for b in open_app(ronde=info.id).button]


def test_respond_submission_rate_limit_keeps_the_answers(storage, monkeypatch):
    monkeypatch.setenv("SURVEY_SUBMISSIONS_PER_MINUTE", "0.01")  # one per 100 minutes
    monkeypatch.setenv("SURVEY_SUBMISSION_BURST", "1")
    ui._submission_limiter.clear()
    try:
        info, _ = storage.create_round(name="Druk", gis=("JBG",))
        first = start(open_app(ronde=info.id), "ouder")
        fill_steps(first, PARENT_NO_WORKER)
        second = start(open_app(ronde=info.id), "jeugdige")
        fill_steps(second, YOUTH)
        click(first, "rf_submit")
        assert first.title[0].value == "Bedankt!"
        click(second, "rf_submit")
        assert "Het is nu erg druk, probeer het over een minuut opnieuw" in texts(second)
        state = second.session_state["rf_state"]
        assert state.stage == "review" and state.answers["grade"] == 8  # the answers stay
        assert storage.count_responses(info.id) == 1
        ui._submission_limiter.clear()  # a minute later: a free slot
        click(second, "rf_submit")
        assert second.title[0].value == "Bedankt!"
        assert storage.count_responses(info.id) == 2
    finally:
        ui._submission_limiter.clear()


# --------------------------------------------------------------------------- navigation


def test_navigation_public_server_registers_only_the_questionnaire_page(storage, monkeypatch):
    from _auth_helpers import make_users, sign_in

    import survey_app.web.navigation as nav

    monkeypatch.delenv("SURVEY_SERVER_MODE", raising=False)  # the public server is the default
    staff_files = sorted(f for f, _, _ in nav.DASHBOARDS) + ["aanmelden.py"]
    name = make_users(storage, roles=("beheerder",))["beheerder"]
    info, _ = storage.create_round(name="R", gis=("JBG",))
    for params, signed_in in (({}, False), ({"gi": "JBN"}, True), ({"ronde": info.id, "gi": "JBG"}, True)):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        if signed_in:  # even a beheerder's session does not open a staff page here
            sign_in(at, storage, name)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert [Path(p["script_path"]).name for p in at._registered_pages.values()] == ["respond.py"]
        for file in staff_files:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"screens/{file}")
        if "ronde" in params:
            assert at.title[0].value == "Wat vindt u van uw jeugdzorgwerker?"
        else:
            assert "Gebruik de link uit uw uitnodiging" in texts(at)
        assert not at.sidebar.button and not at.download_button and not at.get("file_uploader")


def test_respond_database_unreachable_shows_friendly_message(survey_env, monkeypatch):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"postgresql+psycopg://nobody@127.0.0.1:{port}/survey")
    at = open_app(ronde="r1")
    assert "De vragenlijst is nu even niet beschikbaar" in texts(at)
    assert not shown_questions(at)
