"""Writes at national scale (issue 10): one transaction per submission, group commit of
the writers of a process on SQLite, bulk inserts (executemany / COPY) for imports,
and code checks SQLite evaluates without a temporary table per row (migration 0007)."""

from __future__ import annotations

import random
import threading
import uuid

import pandas as pd
import pytest
import sqlalchemy as sa
from db_fixtures import random_answers

from analysis import contract
from sample_data.generator import generate
from survey_app.storage import DuplicateSubmission, InvalidAnswers, RoundNotOpen

THREADS = 8
PER_THREAD = 25


def test_storage_writes_threads_each_submission_stored_once(storage):
    """Eight threads of one process at once (as Streamlit serves sessions): every acknowledged
    submission stored once; a duplicate token and an invalid answer fail alone, not their neighbours."""
    info, _ = storage.create_round(name="threads", gis=["JBG"])
    shared = uuid.uuid4().hex
    outcomes: list[list] = [[] for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)

    def work(i: int) -> None:
        rng = random.Random(i)
        barrier.wait(timeout=60)
        for j in range(PER_THREAD):
            answers = random_answers(rng)
            token = shared if j == 0 else uuid.uuid4().hex
            if j == 1:
                answers["grade"] = 11  # out of range
            try:
                outcomes[i].append(
                    storage.submit_response(info.id, answers, gi="JBG", respondent_type="ouder", submission_token=token)
                )
            except (DuplicateSubmission, InvalidAnswers) as exc:
                outcomes[i].append(type(exc).__name__)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [o for out in outcomes for o in out]
    ids = [o for o in flat if o not in ("DuplicateSubmission", "InvalidAnswers")]
    assert flat.count("InvalidAnswers") == THREADS
    assert flat.count("DuplicateSubmission") == THREADS - 1  # the shared token: stored once
    assert len(ids) == len(set(ids)) == THREADS * (PER_THREAD - 1) - (THREADS - 1)
    stored = storage.load_responses(round_ids=[info.id])["response_id"]
    assert set(stored) == set(ids) and len(stored) == len(ids)


def test_storage_writes_closed_round_refused_in_the_one_transaction(storage):
    info, _ = storage.create_round(name="closing", gis=["JBG"])
    storage.close_round(info.id)
    with pytest.raises(RoundNotOpen):
        storage.submit_response(
            info.id, random_answers(), gi="JBG", respondent_type="ouder", submission_token=uuid.uuid4().hex
        )
    assert storage.count_responses(info.id) == 0


def test_storage_writes_bulk_import_stores_every_value(storage):
    """COPY (PostgreSQL) and executemany (SQLite) store what the frame holds; blank text becomes empty."""
    info, _ = storage.create_round(name="bulk", gis=list(contract.GI_CODES))
    frame = generate(2500, seed=11, round_id=info.id)
    frame.loc[frame.index[:3], "comment_grade"] = "   "
    frame.loc[frame.index[3:6], "grade"] = pd.NA
    assert storage.import_responses(frame, round_id=info.id) == 2500
    back = storage.load_responses(round_ids=[info.id]).set_index("response_id")
    want = frame.set_index("response_id").loc[back.index]
    assert back.loc[want.index[:3].intersection(back.index), "comment_grade"].isna().all()
    for col in ("gi", "grade", "n_workers", "measure_type", "quality_clear", "submitted_week"):
        pd.testing.assert_series_equal(back[col], want[col], check_dtype=False, check_names=False)
    assert back["grade"].isna().sum() >= 3


def test_storage_writes_code_checks_refuse_what_they_refused(storage):
    info, _ = storage.create_round(name="checks", gis=["JBG"])
    base = dict(round_id=info.id, gi="JBG", respondent_type="ouder", submitted_week="2026-W01")
    with storage._write() as conn:  # a code outside the list is refused by the database itself
        with pytest.raises(sa.exc.IntegrityError):
            with conn.begin_nested():
                conn.execute(
                    sa.text(
                        "INSERT INTO responses (response_id, round_id, gi, respondent_type, submitted_week, had_gap) "
                        "VALUES (:id, :round_id, :gi, :respondent_type, :submitted_week, 'misschien')"
                    ),
                    dict(base, id=str(uuid.uuid4())),
                )
        conn.execute(  # empty (NULL) passes, as before
            sa.text(
                "INSERT INTO responses (response_id, round_id, gi, respondent_type, submitted_week, had_gap) "
                "VALUES (:id, :round_id, :gi, :respondent_type, :submitted_week, NULL)"
            ),
            dict(base, id=str(uuid.uuid4())),
        )
    assert storage.count_responses(info.id) == 1


def test_storage_writes_migration_0007_rebuilds_checks_and_keeps_rows(sqlite_storage):
    from alembic import command

    s = sqlite_storage
    info, _ = s.create_round(name="mig", gis=list(contract.GI_CODES))
    s.import_responses(generate(200, seed=5, round_id=info.id), round_id=info.id)

    def stored_sql() -> str:
        with s.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'responses'").scalar_one()

    assert " IN (" not in stored_sql() and "had_gap = 'ja' OR had_gap = 'nee'" in stored_sql()
    with s._write(lock="migrate") as conn:
        command.downgrade(s.alembic_config(conn), "0006_drafts")
    assert "had_gap IN ('ja', 'nee', 'weet_niet')" in stored_sql()
    s.migrate()
    assert " IN (" not in stored_sql() and stored_sql().rstrip().upper().endswith("WITHOUT ROWID")
    assert s.count_responses(info.id) == 200
