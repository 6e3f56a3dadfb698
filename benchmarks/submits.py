"""Submissions per second: threads of one server process (as Streamlit serves sessions).

Project: ``Storage.submit_response`` (one transaction: round check, token,
response).  Reference: the plain driver with the same durability settings
(SQLite WAL + synchronous=FULL, BEGIN IMMEDIATE; PostgreSQL default commit),
one connection per thread, inserting a token and a response per transaction.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
import uuid

from analysis import contract

from .child import SECRET


def _answers(rng: random.Random) -> dict:
    a = {c: rng.choice(codes) for c, codes in contract.CODES.items() if c != "respondent_type"}
    a["n_workers"], a["grade"], a["comment_grade"] = rng.randint(1, 6), rng.randint(1, 10), None
    return a


def _threads(writers: int, per: int, fn) -> float:
    barrier = threading.Barrier(writers)
    errors = []

    def work(i):
        barrier.wait()
        try:
            fn(i, per)
        except Exception as exc:  # reported below
            errors.append(exc)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(writers)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]
    return writers * per / (time.perf_counter() - t0)


def project(url: str, writers: int, total: int) -> float:
    from survey_app.storage import Storage

    s = Storage(url, secret_key=SECRET)
    info, _ = s.create_round(name="bench", gis=["JBG"])
    rng = random.Random(1)
    answers = [_answers(rng) for _ in range(64)]

    def fn(i, per):
        for j in range(per):
            s.submit_response(
                info.id, answers[j % 64], gi="JBG", respondent_type="ouder", submission_token=uuid.uuid4().hex
            )

    try:
        rate = _threads(writers, total // writers, fn)
        assert s.count_responses(info.id) == writers * (total // writers)
        return rate
    finally:
        s.dispose()


def _row_values(rng, week="2026-W01") -> tuple:
    a = _answers(rng)
    return (str(uuid.uuid4()), "bench", "JBG", "ouder", week, *[a.get(c) for c in contract.ITEM_COLUMNS])


def reference(url: str, writers: int, total: int) -> float:
    cols = ", ".join(contract.COLUMNS)
    if url.startswith("sqlite"):
        import sqlite3

        path = url.split("///", 1)[1]
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            f"CREATE TABLE responses ({', '.join(c + ' TEXT' for c in contract.COLUMNS)}, PRIMARY KEY (response_id)) WITHOUT ROWID"
        )
        db.execute("CREATE TABLE tokens (h TEXT PRIMARY KEY) WITHOUT ROWID")
        db.close()
        sql = f"INSERT INTO responses ({cols}) VALUES ({', '.join('?' * len(contract.COLUMNS))})"

        def fn(i, per):
            rng = random.Random(i)
            c = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
            c.execute("PRAGMA synchronous=FULL")
            for _ in range(per):
                c.execute("BEGIN IMMEDIATE")
                c.execute("INSERT INTO tokens VALUES (?)", (uuid.uuid4().hex,))
                c.execute(sql, _row_values(rng))
                c.execute("COMMIT")
            c.close()

        return _threads(writers, total // writers, fn)
    import psycopg

    conninfo = url.replace("postgresql+psycopg", "postgresql", 1)
    with psycopg.connect(conninfo, autocommit=True) as c:
        c.execute(
            f"CREATE TABLE responses ({', '.join(c2 + ' TEXT' for c2 in contract.COLUMNS)}, PRIMARY KEY (response_id))"
        )
        c.execute("CREATE TABLE tokens (h TEXT PRIMARY KEY)")
    sql = f"INSERT INTO responses ({cols}) VALUES ({', '.join(['%s'] * len(contract.COLUMNS))})"

    def fn(i, per):
        rng = random.Random(i)
        with psycopg.connect(conninfo) as c:
            for _ in range(per):
                with c.transaction():
                    c.execute("INSERT INTO tokens VALUES (%s)", (uuid.uuid4().hex,))
                    c.execute(sql, _row_values(rng))

    return _threads(writers, total // writers, fn)


def rows(pg, total: int, runs: int) -> list:
    from .__main__ import Row, not_measured, verdict

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        n = iter(range(10**6))
        for label in ("SQLite", "PostgreSQL"):
            for writers in (1, 8):
                work = f"submissions/s, {writers} writer{'s' if writers > 1 else ''}, {label}"
                target = ">= 500/s" if writers == 8 else ""
                if label == "PostgreSQL" and not pg.url:
                    out.append(not_measured(work, pg.reason, target))
                    continue

                def fresh():
                    return f"sqlite:///{tmp}/s{next(n)}.sqlite" if label == "SQLite" else pg.fresh()

                try:
                    p = statistics.median(project(fresh(), writers, total) for _ in range(runs))
                    r = statistics.median(reference(fresh(), writers, total) for _ in range(runs))
                except Exception as exc:
                    out.append(not_measured(work, f"{type(exc).__name__}: {exc}", target))
                    continue
                ratio = r / p
                row = Row(
                    work,
                    f"{p:.0f}/s",
                    f"{r:.0f}/s",
                    f"{ratio:.1f}x slower" if ratio >= 1 else f"{1 / ratio:.1f}x faster",
                    target,
                )
                out.append(verdict(row, p >= 500 if target else None, "submit"))
    return out
