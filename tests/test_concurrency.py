"""No loss under concurrency: separate processes (spawn), each with its own Storage,
submitting at the same moment, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import uuid
from collections import Counter

import pytest
from db_fixtures import open_storage, run_in_processes, submit_many

pytestmark = pytest.mark.slow
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
WORKERS = 8


def test_concurrency_eight_processes_store_every_response(storage, db_url):
    info, _ = storage.create_round(name="load", gis=["JBG"])
    results = run_in_processes(submit_many, [dict(url=db_url, round_id=info.id, n=250, seed=i) for i in range(WORKERS)])
    returned = [r for worker in results for r in worker]
    assert len(returned) == 2000
    assert all(isinstance(r, str) and UUID4.fullmatch(r) for r in returned), Counter(
        r for r in returned if not UUID4.fullmatch(str(r))
    )
    assert len(set(returned)) == 2000
    assert storage.count_responses(info.id) == 2000
    stored = storage.load_responses(round_ids=[info.id])["response_id"]
    assert stored.is_unique and set(stored) == set(returned)


def test_concurrency_each_code_used_exactly_once(storage, db_url):
    info, codes = storage.create_round(name="codes", gis=["JBG"], access="codes", n_codes=40)
    # every worker tries all 40 codes, each in its own order
    orders = [codes[i * 5 :] + codes[: i * 5] for i in range(WORKERS)]
    results = run_in_processes(
        submit_many, [dict(url=db_url, round_id=info.id, n=40, seed=i, codes=orders[i]) for i in range(WORKERS)]
    )
    outcomes = Counter("stored" if UUID4.fullmatch(str(r)) else r for worker in results for r in worker)
    assert outcomes == {"stored": 40, "CodeAlreadyUsed": 40 * (WORKERS - 1)}
    assert storage.count_responses(info.id) == 40
    assert storage.count_codes(info.id) == {"issued": 40, "unused": 0, "used": 40}


def test_concurrency_same_token_stores_one_response(storage, db_url):
    info, _ = storage.create_round(name="double", gis=["JBG"])
    token = uuid.uuid4().hex
    results = run_in_processes(
        submit_many, [dict(url=db_url, round_id=info.id, n=3, seed=i, token=token) for i in range(WORKERS)]
    )
    outcomes = Counter("stored" if UUID4.fullmatch(str(r)) else r for worker in results for r in worker)
    assert outcomes == {"stored": 1, "DuplicateSubmission": 3 * WORKERS - 1}
    assert storage.count_responses(info.id) == 1


def test_concurrency_simultaneous_start_migrates_once(db_url):
    """Eight app processes starting on an empty database: migrations are serialised."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from survey_app.storage import MIGRATIONS_DIR

    revisions = run_in_processes(open_storage, [dict(url=db_url) for _ in range(WORKERS)])
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert revisions == [head] * WORKERS


def test_run_in_processes_reports_a_worker_that_dies_at_once():
    """A dead worker fails the test within seconds; it never waits out the timeout (a CI run was lost that way)."""
    import time

    from db_fixtures import exit_without_result

    start = time.monotonic()
    with pytest.raises(AssertionError, match="exited with code 3 without a result"):
        run_in_processes(exit_without_result, [dict(code=3), dict(code=3)], timeout=300)
    assert time.monotonic() - start < 120


def test_run_in_processes_ignores_a_main_script_that_cannot_run_again(tmp_path, monkeypatch):
    """After an AppTest, ``__main__`` is Streamlit's page script; spawned workers must not re-run it.

    The CI run of stop 8 lost every concurrency test this way (NameError: name '__args' is not defined).
    """
    import sys
    import types

    from db_fixtures import exit_without_result

    script = tmp_path / "page_script.py"
    script.write_text("raise SystemExit(7)\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    with pytest.raises(AssertionError, match="exited with code 4 without a result"):
        run_in_processes(exit_without_result, [dict(code=4)], timeout=120)
    assert sys.modules["__main__"] is fake_main
