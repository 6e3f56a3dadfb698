"""Running a round from the app, storage side (survey_app/storage/rounds.py, migration 0004).

Runs on SQLite and, with ``make test``, on PostgreSQL (the ``storage`` fixture).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
import sqlalchemy as sa
from db_fixtures import random_answers

from survey_app.storage import RoundNotOpen, StorageError

D = dt.date


def _submit(storage, round_id, gi, rt="ouder", *, code=None, today=None):
    return storage.submit_response(
        round_id,
        random_answers(random.Random()),
        gi=gi,
        respondent_type=rt,
        code=code,
        submission_token=uuid.uuid4().hex,
        today=today,
    )


@pytest.fixture
def wss_late(storage):
    """Three institutions; WSS starts three weeks late and closes a month later."""
    return storage.setup_round(
        name="Cliëntervaring 2026",
        gis=["JBG", "JBN", "WSS"],
        opens=D(2026, 3, 2),
        closes=D(2026, 4, 26),
        gi_dates={"WSS": (D(2026, 3, 23), D(2026, 5, 24))},
        access="codes",
        languages=["nl", "en"],
    )


def test_rounds_setup_keeps_dates_per_institution_and_marks_the_late_one(storage, wss_late):
    info = wss_late
    assert (info.opens, info.closes) == (D(2026, 3, 2), D(2026, 5, 24))  # earliest opening, latest closing
    assert info.languages == ("nl", "en") and info.access == "codes" and not info.archived
    assert info.questionnaire_version == "gi-clientervaring@1"
    w = {x.gi: x for x in storage.institution_windows(info.id)}
    assert (w["JBG"].opens, w["JBG"].closes, w["JBG"].late) == (D(2026, 3, 2), D(2026, 4, 26), False)
    assert (w["WSS"].opens, w["WSS"].closes, w["WSS"].late) == (D(2026, 3, 23), D(2026, 5, 24), True)
    assert all(x.national for x in w.values())
    assert storage.round_names()[info.id] == "Cliëntervaring 2026"


def test_rounds_institution_status_follows_its_own_dates(storage, wss_late):
    rid = wss_late.id
    assert storage.institution_status(rid, "JBG", today=D(2026, 3, 10)) == "open"
    assert storage.institution_status(rid, "WSS", today=D(2026, 3, 10)) == "not_yet_open"
    assert storage.institution_status(rid, "JBG", today=D(2026, 5, 1)) == "closed"
    assert storage.institution_status(rid, "WSS", today=D(2026, 5, 1)) == "open"
    assert storage.institution_status(rid, "JBW", today=D(2026, 5, 1)) == "unknown"
    assert storage.institution_status("no-such-round", "JBG") == "unknown"


def test_rounds_submission_outside_the_institutions_dates_is_refused_and_nothing_stored(storage, wss_late):
    rid = wss_late.id
    codes = storage.issue_codes(rid, "WSS", "ouder", 2, today=D(2026, 3, 1))
    with pytest.raises(RoundNotOpen) as exc:
        _submit(storage, rid, "WSS", code=codes[0], today=D(2026, 3, 10))
    assert exc.value.status == "not_yet_open"
    assert storage.count_responses(rid) == 0
    assert storage.check_code(rid, codes[0]) == "valid"  # not used up
    _submit(storage, rid, "WSS", code=codes[0], today=D(2026, 3, 24))
    assert storage.check_code(rid, codes[0]) == "used"
    jbg = storage.issue_codes(rid, "JBG", "ouder", 1, today=D(2026, 3, 1))
    with pytest.raises(RoundNotOpen):
        _submit(storage, rid, "JBG", code=jbg[0], today=D(2026, 5, 1))  # JBG closed, the round still open


def test_rounds_round_without_dates_per_institution_uses_the_round_dates(storage):
    info, _ = storage.create_round(name="cli", gis=["JBG", "JBN"], opens=D(2026, 1, 5), closes=D(2026, 2, 1))
    w = storage.institution_windows(info.id)
    assert [(x.gi, x.opens, x.closes, x.late) for x in w] == [
        ("JBG", D(2026, 1, 5), D(2026, 2, 1), False),
        ("JBN", D(2026, 1, 5), D(2026, 2, 1), False),
    ]
    assert info.languages == ("nl", "en") and info.archived is False
    _submit(storage, info.id, "JBN", today=D(2026, 1, 20))


def test_rounds_editing_dates_moves_the_round_dates_along(storage, wss_late):
    rid = wss_late.id
    info = storage.set_institution_dates(rid, {"WSS": (D(2026, 3, 2), D(2026, 4, 26))})
    assert (info.opens, info.closes) == (D(2026, 3, 2), D(2026, 4, 26))
    assert not any(w.late for w in storage.institution_windows(rid))
    info = storage.set_institution_dates(rid, {"JBG": (D(2026, 2, 1), D(2026, 6, 30))})
    assert (info.opens, info.closes) == (D(2026, 2, 1), D(2026, 6, 30))
    late = {w.gi for w in storage.institution_windows(rid) if w.late}
    assert late == {"JBN", "WSS"}  # later than the (new) earliest opening
    with pytest.raises(StorageError, match="before the opening"):
        storage.set_institution_dates(rid, {"JBN": (D(2026, 5, 1), D(2026, 4, 1))})
    with pytest.raises(StorageError, match="not an institution"):
        storage.set_institution_dates(rid, {"JBW": (None, None)})


def test_rounds_setup_rejects_bad_input_and_stores_nothing(storage):
    for kwargs, match in [
        (dict(name="", gis=["JBG"]), "name"),
        (dict(name="x", gis=["JBG"], languages=["de"]), "languages"),
        (dict(name="x", gis=["JBG"], opens="2026-05-01", closes="2026-04-01"), "before"),
        (dict(name="x", gis=["JBG"], gi_dates={"JBN": ("2026-01-01", None)}), "not among"),
        (dict(name="x", gis=["JBG"], gi_dates={"JBG": ("2026-05-01", "2026-04-01")}), "before"),
        (dict(name="x", gis=["JBG"], access="links"), "access"),
    ]:
        with pytest.raises(StorageError, match=match):
            storage.setup_round(**kwargs)
    assert storage.list_rounds() == []


def test_rounds_close_reopen_archive(storage, wss_late):
    rid = wss_late.id
    today = D(2026, 5, 30)  # every institution's closing day has passed
    assert storage.close_round(rid).closed
    with pytest.raises(StorageError, match="new closing day"):
        storage.reopen_round(rid, today=today)
    with pytest.raises(StorageError, match="past"):
        storage.reopen_round(rid, closes=D(2026, 5, 1), today=today)
    info = storage.reopen_round(rid, closes=D(2026, 6, 14), today=today)
    assert not info.closed and info.status(today) == "open" and info.closes == D(2026, 6, 14)
    assert {w.closes for w in storage.institution_windows(rid)} == {D(2026, 6, 14)}
    with pytest.raises(StorageError, match="close it before"):
        storage.archive_round(rid)
    storage.close_round(rid)
    info = storage.archive_round(rid)
    assert info.archived and info.closed
    with pytest.raises(StorageError, match="archived"):
        storage.reopen_round(rid, closes=D(2026, 7, 1), today=today)
    with pytest.raises(StorageError, match="closed"):
        storage.issue_codes(rid, "JBG", "ouder", 1)
    assert not storage.archive_round(rid, False).archived


def test_rounds_codes_per_group_are_counted_as_invited(storage, wss_late):
    rid = wss_late.id
    a = storage.issue_codes(rid, "JBG", "ouder", 30, today=D(2026, 3, 1))
    b = storage.issue_codes(rid, "JBG", "ouder", 5, today=D(2026, 3, 20))
    c = storage.issue_codes(rid, "WSS", "jeugdige", 7, today=D(2026, 3, 20))
    assert len(set(a + b + c)) == 42
    assert storage.count_codes(rid) == {"issued": 42, "unused": 42, "used": 0}
    inv = storage.invitation_counts(rid)
    assert inv.to_dict("records") == [
        {"gi": "JBG", "respondent_type": "ouder", "invited": 35},
        {"gi": "WSS", "respondent_type": "jeugdige", "invited": 7},
    ]
    for bad, match in [
        (("JBW", "ouder", 1), "not an institution"),
        (("JBG", "grootouder", 1), "respondent_type"),
        (("JBG", "ouder", 0), "whole number"),
        (("JBG", "ouder", 5001), "whole number"),
    ]:
        with pytest.raises(StorageError, match=match):
            storage.issue_codes(rid, *bad)
    with pytest.raises(StorageError, match="issue_codes"):
        storage.record_invitations(rid, "JBG", "ouder", 3)
    assert storage.count_codes(rid)["issued"] == 42  # nothing half-made


def test_rounds_open_round_records_letters_without_codes(storage):
    info = storage.setup_round(name="zelfevaluatie", gis=["JBN"], access="open", languages="nl")
    assert info.languages == ("nl",)
    storage.record_invitations(info.id, "JBN", "ouder", 40)
    storage.record_invitations(info.id, "JBN", "jeugdige", 25)
    assert storage.invitation_counts(info.id)["invited"].tolist() == [25, 40]
    assert storage.count_codes(info.id)["issued"] == 0
    with pytest.raises(StorageError, match="open to everyone"):
        storage.issue_codes(info.id, "JBN", "ouder", 1)


def test_rounds_unknown_codes_finds_foreign_and_malformed_codes_only(storage, wss_late):
    rid = wss_late.id
    mine = storage.issue_codes(rid, "JBG", "ouder", 3)
    other = storage.setup_round(name="ander", gis=["JBG"])
    theirs = storage.issue_codes(other.id, "JBG", "ouder", 1)
    _submit(storage, rid, "JBG", code=mine[0], today=D(2026, 3, 10))
    # a used code is still "known": the check never tells who has answered
    given = [mine[0], mine[1].lower().replace("-", " "), theirs[0], "nonsense"]
    assert storage.unknown_codes(rid, given) == [theirs[0], "nonsense"]


def test_rounds_response_counts_per_group_and_week(storage, wss_late):
    rid = wss_late.id
    for day, gi, rt in [
        (D(2026, 3, 3), "JBG", "ouder"),
        (D(2026, 3, 4), "JBG", "ouder"),
        (D(2026, 3, 11), "JBG", "ouder"),
        (D(2026, 3, 11), "JBN", "jeugdige"),
        (D(2026, 3, 24), "WSS", "ouder"),
    ]:
        code = storage.issue_codes(rid, gi, rt, 1, today=D(2026, 3, 1))[0]
        _submit(storage, rid, gi, rt, code=code, today=day)
    got = storage.response_counts(rid).to_dict("records")
    assert got == [
        {"gi": "JBG", "respondent_type": "ouder", "submitted_week": "2026-W10", "n": 2},
        {"gi": "JBG", "respondent_type": "ouder", "submitted_week": "2026-W11", "n": 1},
        {"gi": "JBN", "respondent_type": "jeugdige", "submitted_week": "2026-W11", "n": 1},
        {"gi": "WSS", "respondent_type": "ouder", "submitted_week": "2026-W13", "n": 1},
    ]


def test_rounds_national_flag_and_languages(storage, wss_late):
    rid = wss_late.id
    assert storage.national_gis(rid) == ("JBG", "JBN", "WSS")
    storage.set_national(rid, "WSS", False)
    assert storage.national_gis(rid) == ("JBG", "JBN")
    assert storage.set_languages(rid, ["en", "nl"]).languages == ("en", "nl")
    with pytest.raises(StorageError, match="languages"):
        storage.set_languages(rid, [])
    assert storage.rename_round(rid, "Nieuwe naam").name == "Nieuwe naam"


def test_rounds_migration_0004_downgrades_and_upgrades_cleanly(storage, wss_late):
    from alembic import command

    with storage._write(lock="migrate") as conn:
        command.downgrade(storage.alembic_config(conn), "0001_initial")
    insp = sa.inspect(storage.engine)
    assert "round_gis" not in insp.get_table_names() and "code_batches" not in insp.get_table_names()
    assert "languages" not in {c["name"] for c in insp.get_columns("rounds")}
    storage.migrate()
    assert storage.schema_revision() == "0011_answer_counts"
    info = storage.get_round(wss_late.id)  # the round survived; its new columns have their defaults
    assert info.languages == ("nl", "en") and not info.archived
    assert [w.late for w in storage.institution_windows(info.id)] == [False, False, False]


def test_rounds_fieldwork_windows_give_every_institution_of_every_round(storage, wss_late):
    from analysis.monitor import WINDOW_COLUMNS

    other = storage.setup_round(name="Zelfevaluatie JBG", gis=["JBG"], access="open", opens=D(2025, 1, 6))
    w = storage.fieldwork_windows()
    assert list(w.columns) == list(WINDOW_COLUMNS)
    assert w["round_id"].tolist() == [wss_late.id] * 3 + [other.id]  # list_rounds order: newest first
    wss = w[w["gi"] == "WSS"].iloc[0]
    assert (wss["opens"], wss["closes"], bool(wss["late"]), bool(wss["national"])) == (
        D(2026, 3, 23),
        D(2026, 5, 24),
        True,
        True,
    )
    assert wss["round_name"] == "Cliëntervaring 2026" and not wss["round_closed"]
    storage.close_round(wss_late.id)
    assert storage.fieldwork_windows()["round_closed"].tolist() == [True] * 3 + [False]


# --------------------------------------------------------------------------- audited round changes (survey_app.auth.actions)


def _log(storage):
    return [(r.actor, r.action, r.target, r.detail or "") for r in storage.list_audit()]


def test_rounds_actions_write_every_change_to_the_audit_log_never_a_code(storage):
    from analysis import letters as L
    from survey_app.auth import actions

    info = actions.setup_round(
        storage,
        actor="inspectie",
        name="Cliëntervaring 2026",
        gis=["JBG", "JBN", "WSS"],
        opens=D(2026, 3, 2),
        closes=D(2026, 4, 26),
        gi_dates={"WSS": (D(2026, 3, 23), D(2026, 5, 24))},
        access="codes",
    )
    rid = info.id
    actions.set_institution_dates(storage, rid, {"WSS": (D(2026, 3, 30), D(2026, 5, 31))}, actor="inspectie")
    actions.set_national(storage, rid, "JBN", False, actor="inspectie")
    actions.set_languages(storage, rid, ["nl"], actor="inspectie")
    codes = actions.issue_codes(storage, rid, "JBG", "ouder", 3, actor="inspectie", today=D(2026, 3, 1))
    made = L.make_letters(
        base_url="https://x.nl", round_id=rid, round_name=info.name, gi="JBG", respondent_type="ouder", codes=codes
    )
    actions.letters_made(storage, rid, made, actor="inspectie")
    actions.letters_downloaded(storage, rid, made, "pdf", actor="inspectie")
    actions.letters_made(storage, rid, made[:1], actor="inspectie", reminder=True)
    actions.letters_downloaded(storage, rid, made[:1], "docx", actor="inspectie", reminder=True)
    actions.close_round(storage, rid, actor="inspectie")
    actions.reopen_round(storage, rid, closes=D(2026, 6, 30), today=D(2026, 6, 1), actor="inspectie")
    actions.close_round(storage, rid, actor="beheer")
    actions.archive_round(storage, rid, True, actor="beheer")
    actions.archive_round(storage, rid, False, actor="beheer")
    log = _log(storage)
    by_action = {}
    for actor, action, target, detail in log:
        assert target == rid
        by_action.setdefault(action, []).append((actor, detail))
    assert sorted(by_action) == sorted(
        [
            "round_create",
            "round_dates",
            "round_national",
            "round_languages",
            "round_codes",
            "letters_made",
            "letters_download",
            "reminders_made",
            "reminders_download",
            "round_close",
            "round_reopen",
            "round_archive",
            "round_unarchive",
        ]
    )
    assert "WSS 2026-03-23..2026-05-24" in by_action["round_create"][0][1]
    assert by_action["round_dates"] == [("inspectie", "WSS 2026-03-23..2026-05-24 -> 2026-03-30..2026-05-31")]
    assert by_action["round_national"] == [("inspectie", "JBN national=no")]
    assert by_action["round_codes"] == [("inspectie", "3 codes for JBG/ouder")]
    assert by_action["letters_made"] == [("inspectie", "3 letters: JBG/ouder 3")]
    assert by_action["letters_download"] == [("inspectie", "pdf: 3 letters: JBG/ouder 3")]
    assert by_action["reminders_download"] == [("inspectie", "docx: 1 letter: JBG/ouder 1")]
    assert by_action["round_reopen"] == [("inspectie", "closes=2026-06-30")]
    assert len(by_action["round_close"]) == 2 and by_action["round_archive"][0][0] == "beheer"
    everything = " ".join(" ".join(map(str, row)) for row in log)
    for c in codes:  # never the codes, in any form
        assert c not in everything and c.replace("-", "") not in everything


def test_rounds_actions_open_round_letters_and_failures(storage):
    from survey_app.auth import actions
    from survey_app.storage import StorageError

    info = actions.setup_round(storage, actor="gi-jbn", name="Zelfevaluatie JBN", gis=["JBN"], access="open")
    assert actions.record_invitations(storage, info.id, "JBN", "ouder", 5, actor="gi-jbn") == 5
    assert ("gi-jbn", "round_invitations", info.id, "5 open-link letters for JBN/ouder") in _log(storage)
    # a refused change writes nothing
    n = len(_log(storage))
    with pytest.raises(StorageError):
        actions.archive_round(storage, info.id, True, actor="gi-jbn")  # not closed
    with pytest.raises(StorageError):
        actions.set_institution_dates(storage, info.id, {"WSS": (None, None)}, actor="gi-jbn")
    assert len(_log(storage)) == n


def test_rounds_easy_read_offer_is_kept_and_audited(storage, make_storage):
    # issue 12: a round offers the easy-read version unless it is switched off
    from survey_app.auth import actions
    from survey_app.storage import RoundNotFound

    info = storage.setup_round(name="Makkelijk", gis=["JBG"], access="open")
    assert info.easy_read is True
    assert actions.set_easy_read(storage, info.id, False, actor="beheer").easy_read is False
    again = make_storage()  # another process reads the same database
    assert again.get_round(info.id).easy_read is False
    assert [r.easy_read for r in again.list_rounds()] == [False]
    assert actions.set_easy_read(again, info.id, True, actor="beheer").easy_read is True
    assert storage.get_round(info.id).easy_read is True
    with pytest.raises(RoundNotFound):
        storage.set_easy_read("no-such-round", True)
    log = [(r.actor, r.action, r.target, r.detail) for r in storage.list_audit()]
    assert log.count(("beheer", "round_easy_read", info.id, "easy_read=off")) == 1
    assert log.count(("beheer", "round_easy_read", info.id, "easy_read=on")) == 1
