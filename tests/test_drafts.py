"""A respondent's work survives a restart (issue 10): drafts in storage, in the flow and in the app.

Drafts keep the answers so far under the SHA-256 of a random token that only the
browser holds (``?d=...``); no code, no IP, no user agent, and the only time is
a whole hour at most a day ahead.  A full disk or a read-only database on
"Versturen" gives "probeer het ... opnieuw" with the answers still on screen.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from db_fixtures import random_answers
from streamlit.testing.v1 import AppTest

from analysis.questionnaire import load_questionnaire
from survey_app.respond import flow
from survey_app.respond import widgets as ui
from survey_app.storage import InvalidAnswers, StorageError
from survey_app.storage.drafts import DRAFT_HOURS, DRAFT_KEYS, drafts_table

APP = str(Path(__file__).resolve().parents[1] / "survey_app" / "web" / "app.py")
TIMEOUT = 60
NOW = dt.datetime(2026, 3, 10, 14, 37, 12)
PHONE = "Bel me op 06-12345678"
REVIEW_TITLE = "Kloppen je antwoorden?"
PARENT_STEPS = {
    "start": {"measure_type": "ots"},
    "werker": {"n_workers": 0, "had_gap": "ja"},
    "meedoen": {"opinion_asked": "soms"},
    "hulp": {},
    "cijfer": {"grade": 3},
}


def _token() -> str:
    return secrets.token_urlsafe(24)


def _draft(**answers) -> dict:
    return {
        "stage": "questions",
        "step_id": "werker",
        "respondent_type": "ouder",
        "gi": "JBG",
        "lang": "nl",
        "answers": {"measure_type": "ots", **answers},
    }


# --------------------------------------------------------------------------- storage


def test_drafts_save_and_load_keep_answers_with_free_text_scrubbed(storage):
    info, _ = storage.create_round(name="d", gis=["JBG"])
    token = _token()
    storage.save_draft(token, info.id, {**_draft(comment_grade=PHONE), "code": "ABCD-EFGH", "ip": "10.0.0.1"})
    got = storage.load_draft(token, info.id)
    assert got["answers"]["measure_type"] == "ots" and "06-12345678" not in got["answers"]["comment_grade"]
    assert set(got) == {"stage", "step_id", "respondent_type", "gi", "lang", "answers"}  # no code, no ip
    assert storage.load_draft(token, "another-round") is None
    assert storage.load_draft(_token(), info.id) is None and storage.load_draft("short", info.id) is None


def test_drafts_store_no_code_and_only_a_whole_hour(storage):
    info, codes = storage.create_round(name="c", gis=["JBG"], access="codes", n_codes=2)
    token = _token()
    storage.save_draft(token, info.id, {**_draft(), "code": codes[0]}, now=NOW)
    with storage.engine.connect() as conn:
        rows = conn.execute(sa.select(drafts_table)).mappings().all()
        hashes = {r[0] for r in conn.exec_driver_sql("SELECT code_hash FROM access_codes")}
    assert len(rows) == 1
    row = rows[0]
    stored = " ".join(str(v) for v in row.values())
    assert token not in stored and codes[0] not in stored and not any(h in stored for h in hashes)
    assert "code" not in json.loads(row["data"])
    assert row["expires_at"] == NOW.replace(minute=0, second=0) + dt.timedelta(hours=DRAFT_HOURS)


def test_drafts_expire_within_a_day_and_are_purged(storage):
    info, _ = storage.create_round(name="e", gis=["JBG"])
    token = _token()
    storage.save_draft(token, info.id, _draft(), now=NOW)
    later = NOW + dt.timedelta(hours=DRAFT_HOURS - 1)
    assert storage.load_draft(token, info.id, now=later) is not None
    a_day_on = NOW + dt.timedelta(hours=DRAFT_HOURS)  # at most 24 hours after the last save: gone
    assert storage.load_draft(token, info.id, now=a_day_on) is None
    assert storage.count_drafts() == 0  # reading purged the expired ones on the way
    storage.save_draft(_token(), info.id, _draft(), now=NOW)
    assert storage.purge_drafts(now=later) == 0
    assert storage.purge_drafts(now=a_day_on) == 1 and storage.count_drafts() == 0


def test_drafts_deleted_with_the_submission_and_kept_when_it_fails(storage):
    info, _ = storage.create_round(name="s", gis=["JBG"])
    token = _token()
    storage.save_draft(token, info.id, _draft())
    bad = dict(random_answers(), grade=11)
    with pytest.raises(InvalidAnswers):
        storage.submit_response(
            info.id, bad, gi="JBG", respondent_type="ouder", submission_token=uuid.uuid4().hex, draft_token=token
        )
    assert storage.count_drafts(info.id) == 1
    storage.submit_response(
        info.id,
        random_answers(),
        gi="JBG",
        respondent_type="ouder",
        submission_token=uuid.uuid4().hex,
        draft_token=token,
    )
    assert storage.count_drafts(info.id) == 0 and storage.count_responses(info.id) == 1


def test_drafts_refuse_values_that_are_not_answers(storage):
    info, _ = storage.create_round(name="v", gis=["JBG"])
    with pytest.raises(StorageError):
        storage.save_draft(_token(), info.id, _draft(grade={"x": 1}))
    storage.save_draft(_token(), info.id, _draft(unknown_item="x"))  # unknown items are dropped
    assert storage.count_drafts(info.id) == 1


def test_drafts_purged_when_a_storage_starts(storage, make_storage):
    info, _ = storage.create_round(name="p", gis=["JBG"])
    storage.save_draft(_token(), info.id, _draft(), now=NOW)  # expired long ago
    make_storage()
    assert storage.count_drafts() == 0


def test_drafts_keep_the_questionnaire_variant_and_nothing_else_new(storage):
    # issue 12: after a restart the respondent continues in the version they were using
    info, _ = storage.create_round(name="R", gis=("JBG",))
    token = _token()
    storage.save_draft(token, info.id, {**_draft(), "variant": "makkelijk", "code": "ABCD-EFGH"})
    got = storage.load_draft(token, info.id)
    assert got["variant"] == "makkelijk" and set(got) <= {*DRAFT_KEYS} and "code" not in got
    with storage.engine.connect() as conn:
        (data,) = conn.execute(sa.select(drafts_table.c.data)).scalars().all()
    assert set(json.loads(data)) == {"stage", "step_id", "respondent_type", "gi", "lang", "variant", "answers"}
    with pytest.raises(StorageError, match="variant"):
        storage.save_draft(_token(), info.id, {**_draft(), "variant": "anders"})
    storage.save_draft(token, info.id, _draft())  # a draft without a variant: the standard version
    assert "variant" not in storage.load_draft(token, info.id)


# --------------------------------------------------------------------------- flow


def test_drafts_flow_resume_returns_to_the_step():
    q = load_questionnaire()
    state = flow.FlowState(round_id="r")
    flow.resume(state, _draft(), token="t" * 32, needs_code=False)
    assert (state.stage, state.step_id, state.gi, state.resumed) == ("questions", "werker", "JBG", True)
    assert flow.draft_of(state)["answers"] == {"measure_type": "ots"} and "code" not in flow.draft_of(state)
    coded = flow.FlowState(round_id="r")
    flow.resume(coded, _draft(), token="t" * 32, needs_code=True)  # no code in a draft: ask it again
    assert coded.stage == "welcome" and flow.draft_of(coded) is None
    flow.begin(coded, q, respondent_type="ouder", gi="JBG", code="ABCD")
    assert (coded.stage, coded.step_id, coded.answers) == ("questions", "werker", {"measure_type": "ots"})


def test_drafts_flow_resume_takes_up_the_variant():
    easy = flow.FlowState(round_id="r")
    flow.resume(easy, {**_draft(), "step_id": "n_workers", "variant": "makkelijk"}, token="t" * 32, needs_code=False)
    assert (easy.variant, easy.stage, easy.step_id, easy.practice_done) == ("makkelijk", "questions", "n_workers", True)
    assert flow.draft_of(easy)["variant"] == "makkelijk"
    old = flow.FlowState(round_id="r", variant="makkelijk")
    flow.resume(old, _draft(), token="t" * 32, needs_code=False)  # a draft from before issue 12
    assert old.variant == "standaard" and flow.draft_of(old)["variant"] == "standaard"


# --------------------------------------------------------------------------- the app


@pytest.fixture
def app_storage(db_url, make_storage, monkeypatch):
    monkeypatch.setenv("SURVEY_DATABASE_URL", db_url)
    yield make_storage()
    ui.release_storages()


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return _run(at)


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return _run(at)


def _to_review(at: AppTest, rtype: str = "jeugdige", steps=PARENT_STEPS, code: str | None = None) -> AppTest:
    at.radio(key="rf_who").set_value(rtype)
    if code is not None:
        at.text_input(key="rf_code").input(code)
    _click(at, "rf_start")
    for answers in steps.values():
        for item_id, value in answers.items():
            if item_id == "grade":
                at.button_group(key=f"q_{item_id}").set_value(value)
            elif item_id.startswith("comment_"):
                at.text_area(key=f"q_{item_id}").input(value)
            else:
                at.radio(key=f"q_{item_id}").set_value(value)
            _run(at)
        _click(at, "rf_next")
    assert at.header[0].value == REVIEW_TITLE
    return at


def _texts(at: AppTest) -> str:
    kinds = (at.title, at.header, at.subheader, at.markdown, at.warning, at.error, at.info, at.success, at.caption)
    return "\n".join(str(e.value) for kind in kinds for e in kind)


def test_drafts_app_new_session_continues_at_the_review_and_stores_once(app_storage):
    info, _ = app_storage.create_round(name="R", gis=("JBG",))
    at = _to_review(_open(ronde=info.id))
    token = at.query_params["d"]
    token = token[0] if isinstance(token, list) else token
    assert app_storage.count_drafts(info.id) == 1
    ui.release_storages()  # the server restarts: a new session, a new Storage
    again = _open(ronde=info.id, d=token)
    assert again.header[0].value == REVIEW_TITLE
    assert "We hebben je antwoorden bewaard. Je gaat verder waar je was." in _texts(again)
    _click(again, "rf_submit")
    assert again.title[0].value == "Bedankt!"
    assert app_storage.count_responses(info.id) == 1 and app_storage.count_drafts(info.id) == 0
    assert "d" not in again.query_params
    after = _open(ronde=info.id, d=token)  # the draft went with the submission: nothing to continue
    assert not after.header and "bewaard" not in _texts(after)


def test_drafts_app_code_round_asks_the_code_again_then_continues(app_storage):
    info, codes = app_storage.create_round(name="C", gis=("JBG",), access="codes", n_codes=2)
    at = _to_review(_open(ronde=info.id), code=codes[0])
    token = at.query_params["d"]
    token = token[0] if isinstance(token, list) else token
    again = _open(ronde=info.id, d=token)
    assert "Vul je code opnieuw in" in _texts(again) and not again.header
    again.text_input(key="rf_code").input(codes[0])
    _click(again, "rf_start")
    assert again.header[0].value == REVIEW_TITLE
    _click(again, "rf_submit")
    assert again.title[0].value == "Bedankt!" and app_storage.count_responses(info.id) == 1


@pytest.mark.parametrize("fault", ["read_only", "disk_full"])
def test_drafts_app_full_disk_or_read_only_keeps_answers_and_says_try_later(tmp_path, survey_env, monkeypatch, fault):
    from survey_app.storage import Storage

    url = f"sqlite:///{tmp_path / 'fault' / 'survey.sqlite'}"
    monkeypatch.setenv("SURVEY_DATABASE_URL", url)
    storage = Storage(url)
    long_text = "lang antwoord " * 70  # longer than fits in a page: a new page is needed to store it
    steps = {**PARENT_STEPS, "cijfer": {"grade": 3, "comment_grade": long_text[:1000]}}
    try:
        info, _ = storage.create_round(name="F", gis=("JBG",))
        at = _to_review(_open(ronde=info.id), steps=steps)
        if fault == "disk_full":  # no free page left to reuse (the draft's pages would be): truly full
            with storage.engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM drafts")
            storage.dispose()
            raw = sqlite3.connect(tmp_path / "fault" / "survey.sqlite", isolation_level=None)
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            assert raw.execute("PRAGMA freelist_count").fetchone()[0] == 0
            raw.close()

        def fault_on_connect(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            if fault == "read_only":
                cur.execute("PRAGMA query_only = ON")
            else:
                pages = cur.execute("PRAGMA page_count").fetchone()[0]
                cur.execute(f"PRAGMA max_page_count = {pages}")
            cur.close()

        sa.event.listen(sa.engine.Engine, "connect", fault_on_connect)
        try:
            ui.release_storages()  # the app's connections are made anew, with the fault
            _click(at, "rf_submit")
            body = _texts(at)
            assert "Het versturen is niet gelukt" in body and "opnieuw" in body
            assert at.header[0].value == REVIEW_TITLE and long_text[:40] in body  # the answers stay on screen
            for word in ("readonly", "read-only", "full", "sqlite", "OperationalError", "database or disk"):
                assert word.lower() not in body.lower(), word
        finally:
            sa.event.remove(sa.engine.Engine, "connect", fault_on_connect)
            ui.release_storages()
        assert storage.count_responses(info.id) == 0
        _click(at, "rf_submit")  # the disk has room again: the same answers go in, once
        assert at.title[0].value == "Bedankt!" and storage.count_responses(info.id) == 1
        assert storage.load_responses(round_ids=[info.id])["comment_grade"].iloc[0] == long_text[:1000].strip()
    finally:
        storage.dispose()


def _easy_read_draft(app_storage, info) -> str:
    """Switch to the easy-read version, pass its practice question, answer the first two questions."""
    at = _open(ronde=info.id)
    _click(at, "rf_variant")  # "Makkelijke vragen"
    at.radio(key="rf_who").set_value("jeugdige")
    _click(at, "rf_start")
    _click(at, "rf_practice_done")
    at.radio(key="q_measure_type").set_value("ots")
    _run(at)
    _click(at, "rf_next")
    at.radio(key="q_n_workers").set_value(2)
    _run(at)
    token = at.query_params["d"]
    return token[0] if isinstance(token, list) else token


def test_drafts_app_continue_in_the_easy_read_version_after_a_restart(app_storage):
    # issue 12: after a restart the respondent continues in the version they were using
    info, _ = app_storage.create_round(name="E", gis=("JBG",))
    token = _easy_read_draft(app_storage, info)
    ui.release_storages()  # the server restarts: a new session, a new Storage
    again = _open(ronde=info.id, d=token)
    assert again.button(key="rf_variant").label == "Gewone vragen"  # still in the easy-read version
    assert [r.key for r in again.radio] == ["q_n_workers"]  # one question per screen, where they were
    assert again.radio(key="q_n_workers").value == 2
    assert "rf_practice_done" not in [b.key for b in again.button]  # no practice question again
    assert "We hebben je antwoorden bewaard" in _texts(again)
    # the round stops offering it: the draft continues in the standard version, answers kept
    app_storage.set_easy_read(info.id, False)
    ui.release_storages()
    std = _open(ronde=info.id, d=token)
    assert "rf_variant" not in [b.key for b in std.button]
    assert {"q_n_workers", "q_had_gap"} <= {r.key for r in std.radio}  # the standard page of that question
    assert std.radio(key="q_n_workers").value == 2
