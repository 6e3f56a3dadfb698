"""Database fixtures (a pytest plugin: ``pytest_plugins = ["db_fixtures"]`` in tests/conftest.py).

Every test that uses ``storage`` (or ``db_url``) runs twice: on a SQLite file in
``tmp_path`` and on the PostgreSQL server whose URL is in
``SURVEY_TEST_POSTGRES_URL`` (``scripts/run-tests.sh`` starts a throw-away
cluster and sets it; ``make test`` always does).  Each PostgreSQL test gets a
fresh schema (``search_path`` in the URL) that is dropped afterwards.  Without
the variable the PostgreSQL half is skipped with the reason.

Fixtures
--------
``survey_env``      SURVEY_DATA_DIR -> tmp_path/data, SURVEY_SECRET_KEY -> TEST_SECRET,
                    SURVEY_DATABASE_URL unset.
``postgres_url``    the server URL (session); skips when not set.
``fresh_postgres_url`` a URL pointing at a new, empty schema.
``db_url``          parametrised: sqlite | postgresql (fresh database each test).
``storage``         ``Storage(db_url)`` with migrations applied.
``make_storage``    factory: more Storage objects on the same database.
``sqlite_storage``, ``postgres_storage``  one backend only (mark PostgreSQL tests
                    ``@pytest.mark.postgres``).

Helpers for tests and worker processes: :func:`random_answers`, :func:`submit_many`.
"""

from __future__ import annotations

import contextlib
import os
import queue as queue_module
import random
import secrets
import sys
import time
import uuid

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "SURVEY_TEST_POSTGRES_URL"
TEST_SECRET = "test-secret-key-0123456789abcdef"
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))
SKIP_REASON = (
    f"{POSTGRES_ENV} is not set: run the tests with `make test` or "
    f"`bash scripts/run-tests.sh ...`, which start a throw-away PostgreSQL server"
)


@pytest.fixture
def survey_env(tmp_path, monkeypatch):
    """Isolate the environment variables the storage layer reads."""
    monkeypatch.setenv("SURVEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SURVEY_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY_FILE", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        pytest.skip(SKIP_REASON)
    return url


def schema_url(base_url: str, schema: str) -> str:
    """``base_url`` with the connection's search_path set to ``schema``."""
    u = sa.engine.make_url(base_url)
    return u.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture
def fresh_postgres_url(postgres_url):
    """A URL whose search_path is a new empty schema; the schema is dropped afterwards."""
    schema = "t_" + secrets.token_hex(6)
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema_url(postgres_url, schema)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, survey_env) -> str:
    """URL of a fresh, empty database (parametrised over sqlite and postgresql)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'survey.sqlite'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def make_storage(db_url):
    """Factory for Storage objects on the test database; all are disposed afterwards."""
    from survey_app.storage import Storage

    made = []

    def make(**kwargs):
        kwargs.setdefault("secret_key", TEST_SECRET)
        s = Storage(db_url, **kwargs)
        made.append(s)
        return s

    yield make
    for s in made:
        s.dispose()


@pytest.fixture
def storage(make_storage):
    """A migrated Storage on a fresh database (sqlite and postgresql)."""
    return make_storage()


@pytest.fixture
def sqlite_storage(tmp_path, survey_env):
    """A migrated Storage on a fresh SQLite file only (for SQLite-specific tests)."""
    from survey_app.storage import Storage

    s = Storage(f"sqlite:///{tmp_path / 'sqlite-only' / 'survey.sqlite'}", secret_key=TEST_SECRET)
    yield s
    s.dispose()


@pytest.fixture
def postgres_storage(fresh_postgres_url, survey_env):
    """A migrated Storage on a fresh PostgreSQL schema only (for PostgreSQL-specific tests)."""
    from survey_app.storage import Storage

    s = Storage(fresh_postgres_url, secret_key=TEST_SECRET)
    yield s
    s.dispose()


# --------------------------------------------------------------------------- helpers


def random_answers(rng: random.Random | None = None, *, comment: str | None = None) -> dict:
    """A valid, complete set of answers (questionnaire items) drawn from ``rng``."""
    from analysis import contract

    rng = rng or random.Random()
    ans = {c: rng.choice(codes) for c, codes in contract.CODES.items() if c != "respondent_type"}
    ans["n_workers"] = rng.randint(1, 6)
    ans["grade"] = rng.randint(1, 10)
    ans["comment_grade"] = comment
    ans["comment_improve"] = None
    return ans


def submit_many(
    url: str, round_id: str, n: int, seed: int, codes: list[str] | None = None, token: str | None = None, barrier=None
) -> list:
    """Worker: open its own Storage and submit ``n`` responses; returns the outcomes.

    Each outcome is a response_id or the exception class name.  With ``token``
    every submission uses that token (double-submit test); with ``codes`` the
    i-th submission uses ``codes[i]``.
    """
    from survey_app.storage import Storage, StorageError

    rng = random.Random(seed)
    s = Storage(url, secret_key=TEST_SECRET)
    out = []
    if barrier is not None:
        barrier.wait(timeout=150)  # all workers start submitting at the same moment
    try:
        for i in range(n):
            try:
                out.append(
                    s.submit_response(
                        round_id,
                        random_answers(rng),
                        gi="JBG",
                        respondent_type="ouder",
                        code=codes[i] if codes else None,
                        submission_token=token or uuid.uuid4().hex,
                    )
                )
            except StorageError as exc:
                out.append(type(exc).__name__)
    finally:
        s.dispose()
    return out


def open_storage(url: str, barrier=None) -> str | None:
    """Worker: start a Storage (runs the migrations) at the same moment as the others."""
    from survey_app.storage import Storage

    if barrier is not None:
        barrier.wait(timeout=150)
    s = Storage(url, secret_key=TEST_SECRET)
    try:
        return s.schema_revision()
    finally:
        s.dispose()


def _process_main(queue, index, func, kwargs, dump_after=None):
    if dump_after:
        import faulthandler

        # a worker that hangs prints where it is (to the test's captured stderr) before the parent gives up
        faulthandler.dump_traceback_later(dump_after, exit=False)
    try:
        queue.put((index, "ok", func(**kwargs)))
    except BaseException as exc:  # report, never hang the parent
        queue.put((index, "error", f"{type(exc).__name__}: {exc}"))


@contextlib.contextmanager
def _plain_main_module():
    """Start spawned workers without re-running the parent's ``__main__``.

    A spawned child re-imports the parent's ``__main__`` by path. After an AppTest has run in this
    pytest process, ``__main__`` is Streamlit's temporary page script (``_page(*__args)``), which
    fails outside AppTest, so every worker died with NameError. The workers need nothing from it.
    """
    import types

    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def run_in_processes(func, kwargs_list: list[dict], *, timeout: float = 240) -> list:
    """Run ``func(**kwargs)`` in one spawned process per entry, all released by one barrier.

    ``kwargs`` get ``barrier=``; returns the results in order; raises when a worker failed.
    """
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    barrier = ctx.Barrier(len(kwargs_list))
    procs = [
        ctx.Process(target=_process_main, args=(queue, i, func, {**kw, "barrier": barrier}, max(timeout - 30, 5)))
        for i, kw in enumerate(kwargs_list)
    ]
    with _plain_main_module():
        for p in procs:
            p.start()
    results: dict[int, object] = {}
    errors = []
    failed: set[int] = set()
    deadline = time.monotonic() + timeout
    try:
        # poll: a worker that dies without reporting (killed, out of memory) fails the test at once
        while len(results) + len(errors) < len(procs):
            try:
                i, status, value = queue.get(timeout=1)
            except queue_module.Empty:
                reported = set(results) | failed
                dead = [j for j, p in enumerate(procs) if j not in reported and p.exitcode is not None]
                if dead:
                    time.sleep(1)  # a result may still be in the pipe
                    if queue.empty():
                        errors.extend(
                            f"worker {j}: exited with code {procs[j].exitcode} without a result" for j in dead
                        )
                        break
                if time.monotonic() > deadline:
                    errors.append(f"workers {sorted(set(range(len(procs))) - reported)}: no result after {timeout} s")
                    break
                continue
            if status == "ok":
                results[i] = value
            else:
                failed.add(i)
                errors.append(f"worker {i}: {value}")
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    if errors:
        raise AssertionError("; ".join(errors))
    return [results[i] for i in range(len(kwargs_list))]


def exit_without_result(code: int, barrier=None) -> None:
    """Worker that dies without reporting (as a process killed for memory would)."""
    if barrier is not None:
        barrier.wait(timeout=60)
    os._exit(code)
