"""One measured job in a fresh process: ``python -m benchmarks.child JOB ARG...``.

Prints one JSON line: CPU seconds (user + system of this process), wall seconds
of the job and the peak resident memory of the process in MiB (imports included,
as a user running the command would see).
"""

from __future__ import annotations

import json
import resource
import sys
import time

BENCH_ROUND = "bench"
SECRET = "benchmark-secret-0123456789abcdef0123"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def report_project(path: str) -> None:
    from analysis.io import read_responses
    from analysis.report import report_json

    df, rep = read_responses(path)
    assert rep.ok, rep
    report_json(df)


def report_reference(path: str) -> None:
    from benchmarks import reference

    reference.run(path)


def read_project(path: str) -> None:
    from analysis.io import read_responses

    _, rep = read_responses(path)
    assert rep.ok


def read_reference(path: str) -> None:
    from benchmarks import reference

    reference.validate(reference.read(path))


def import_project(url: str, path: str) -> None:
    from analysis import contract
    from survey_app.storage import Storage

    s = Storage(url, secret_key=SECRET)
    s.create_round(name="bench", gis=contract.GI_CODES, round_id=BENCH_ROUND)
    n = s.import_responses(path, round_id=BENCH_ROUND)
    assert n > 0
    s.dispose()


def import_reference(url: str, path: str) -> None:
    """pandas read_csv, then executemany (sqlite3) or COPY (psycopg) into a table of the same columns."""
    import pandas as pd

    from analysis import contract

    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    cols = list(contract.COLUMNS)
    rows = list(df[cols].astype(object).where(df[cols].notna(), None).itertuples(index=False, name=None))
    ddl = ", ".join(f"{c} TEXT" + (" PRIMARY KEY" if c == "response_id" else "") for c in cols)
    if url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(f"CREATE TABLE ref_responses ({ddl})")
        db.execute("BEGIN IMMEDIATE")
        db.executemany(f"INSERT INTO ref_responses VALUES ({', '.join('?' * len(cols))})", rows)
        db.execute("COMMIT")
        db.close()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn, conn.cursor() as cur:
            cur.execute(f"CREATE TABLE ref_responses ({ddl})")
            with cur.copy(f"COPY ref_responses ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


def figures_aggregate(url: str, path: str) -> dict:
    """Import ``path``, then time (wall): reading the round's aggregate from the database, building the
    protected table's figure families from it, and every figure and key number of two views once built."""
    from analysis import contract
    from analysis.protection import ProtectedData
    from survey_app.storage import Storage

    s = Storage(url, secret_key=SECRET)
    s.create_round(name="bench", gis=contract.GI_CODES, round_id=BENCH_ROUND)
    s.import_responses(path, round_id=BENCH_ROUND)
    s.answer_counts(round_ids=[BENCH_ROUND])  # the first read of a round checks it once per server
    t0 = time.perf_counter()
    agg = s.answer_counts(round_ids=[BENCH_ROUND])
    t1 = time.perf_counter()
    data = ProtectedData(aggregate=agg, min_cell=10)
    data.table(data.figure_families())
    t2 = time.perf_counter()
    data.view({"gi": contract.GI_CODES[1]}).figures()  # a server has its texts loaded (once per process)
    views = [data.view({}), data.view({"gi": contract.GI_CODES[0], "respondent_type": "ouder"})]
    t3 = time.perf_counter()
    for v in views:
        v.figures()
        v.key_numbers()
    t4 = time.perf_counter()
    s.dispose()
    return {"read_s": t1 - t0, "build_s": t2 - t1, "figures_s": (t4 - t3) / len(views), "rows": len(agg)}


JOBS = {
    f.__name__: f
    for f in (
        report_project,
        report_reference,
        read_project,
        read_reference,
        import_project,
        import_reference,
        figures_aggregate,
    )
}


def main(argv: list[str]) -> int:
    job, args = argv[0], argv[1:]
    t0 = time.perf_counter()
    extra = JOBS[job](*args) or {}
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cpu": _cpu(), "wall": wall, "peak_mb": peak, **extra}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
