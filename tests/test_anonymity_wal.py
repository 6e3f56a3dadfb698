"""SQLite's write-ahead log does not link access codes to answers (issue 8 item 8).

While the app runs, the ``-wal`` file next to the database holds, commit by
commit, the page of ``unused_codes`` that lost a code and the page of
``responses`` that gained the answers.  An administrator with the data folder
(which also holds ``secret.key``) could hash every printed code and read off
which code belongs to which response.  After a submission that used a code
the log is checkpointed and truncated, so the raw ``-wal`` bytes never hold a
code hash next to a response; ``erase-order`` checks that the log is empty and
says so truthfully when a reader kept it from being emptied.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid

import pytest
from db_fixtures import TEST_SECRET, random_answers

from survey_app.cli import main as cli_main
from survey_app.storage import Storage, codes
from survey_app.storage import maintenance as st_maintenance
from survey_app.storage.errors import EraseIncomplete

N_CODES = 10


def _wal(storage: Storage):
    return storage._sqlite_path.with_name(storage._sqlite_path.name + "-wal")


def _wal_bytes(storage: Storage) -> bytes:
    wal = _wal(storage)
    return wal.read_bytes() if wal.exists() else b""


def _code_hashes(plain_codes) -> list[bytes]:
    return [codes.hash_code(c, TEST_SECRET.encode()).encode("ascii") for c in plain_codes]


def _submit(storage: Storage, round_id: str, code: str, rng: random.Random) -> str:
    return storage.submit_response(
        round_id,
        random_answers(rng),
        gi="JBG",
        respondent_type="ouder",
        code=code,
        submission_token=uuid.uuid4().hex,
    )


def _links(wal: bytes, hashes: list[bytes], response_ids: list[str]) -> tuple[int, int]:
    """(code hashes, response ids) found in the raw log bytes."""
    return sum(h in wal for h in hashes), sum(r.encode("ascii") in wal for r in response_ids)


def test_anonymity_wal_holds_no_code_hash_next_to_answers(sqlite_storage):
    storage = sqlite_storage
    info, plain = storage.create_round(name="wal", gis=["JBG"], access="codes", n_codes=N_CODES + 2)
    hashes = _code_hashes(plain)
    rng = random.Random(8)
    ids = []
    for code in plain[:N_CODES]:
        ids.append(_submit(storage, info.id, code, rng))
        # read the raw log as an administrator with the data folder would, after every submission
        found_hashes, found_ids = _links(_wal_bytes(storage), hashes, ids)
        assert (found_hashes, found_ids) == (0, 0)
    assert _wal(storage).exists() and _wal(storage).stat().st_size == 0  # the app runs: the file is kept, empty
    assert storage.count_codes(info.id)["used"] == N_CODES


def test_anonymity_wal_without_the_checkpoint_would_link_codes(sqlite_storage, monkeypatch):
    """The control: what the log held before (and what the test above would catch)."""
    storage = sqlite_storage
    monkeypatch.setattr(Storage, "_empty_wal_after_code_use", lambda self: None)
    info, plain = storage.create_round(name="wal", gis=["JBG"], access="codes", n_codes=N_CODES)
    hashes = _code_hashes(plain)
    rng = random.Random(9)
    ids = [_submit(storage, info.id, code, rng) for code in plain[: N_CODES // 2]]
    found_hashes, found_ids = _links(_wal_bytes(storage), hashes, ids)
    assert found_hashes == N_CODES and found_ids == len(ids)


def test_anonymity_wal_emptied_later_when_a_reader_held_it(sqlite_storage, monkeypatch):
    storage = sqlite_storage
    monkeypatch.setattr(st_maintenance, "CHECKPOINT_RETRY_S", 0.2)
    info, plain = storage.create_round(name="wal", gis=["JBG"], access="codes", n_codes=3)
    reader = sqlite3.connect(storage._sqlite_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM responses").fetchone()  # a dashboard in the middle of a read
        rid = _submit(storage, info.id, plain[0], random.Random(1))  # the submission itself succeeds
        assert rid.encode() in _wal_bytes(storage)
    finally:
        reader.execute("COMMIT")
        reader.close()
    for _ in range(100):  # the retry empties it once the reader is gone
        if _wal(storage).stat().st_size == 0:
            break
        time.sleep(0.1)
    assert _wal(storage).stat().st_size == 0
    assert storage.count_responses(info.id) == 1


def test_anonymity_erase_order_reports_a_reader_that_keeps_the_wal(sqlite_storage, monkeypatch, capsys):
    storage = sqlite_storage
    info, plain = storage.create_round(name="wal", gis=["JBG"], access="codes", n_codes=4)
    rng = random.Random(3)
    for code in plain:
        _submit(storage, info.id, code, rng)
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{storage._sqlite_path}")
    reader = sqlite3.connect(storage._sqlite_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM responses").fetchone()
        with pytest.raises(EraseIncomplete) as exc:
            storage.erase_insertion_order(wait=0.2)
        assert exc.value.wal_bytes > 0 and exc.value.wal_bytes == _wal(storage).stat().st_size
        assert str(_wal(storage)) in str(exc.value) and "could not be emptied" in str(exc.value)
        # the command line says so and exits 1
        capsys.readouterr()
        assert cli_main(["erase-order", "--wait", "0.2"]) == 1
        err = capsys.readouterr().err
        assert "erase-order did not finish" in err and "-wal" in err
    finally:
        reader.execute("COMMIT")
        reader.close()
    storage.erase_insertion_order(wait=1)
    assert _wal(storage).stat().st_size == 0
    capsys.readouterr()
    assert cli_main(["erase-order"]) == 0
    assert "the write-ahead log is empty" in capsys.readouterr().out
    assert storage.count_responses(info.id) == 4


def test_anonymity_checkpoint_reports_busy_and_size(sqlite_storage):
    storage = sqlite_storage
    storage.create_round(name="open", gis=["JBG"])
    assert storage.checkpoint_wal().emptied
    reader = sqlite3.connect(storage._sqlite_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM rounds").fetchone()
        storage.create_round(name="open 2", gis=["JBG"])
        result = storage.checkpoint_wal(wait_ms=100)
        assert result.busy and result.wal_bytes > 0 and not result.emptied
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert storage.checkpoint_wal().emptied
