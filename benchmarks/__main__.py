"""Speed and memory of the main paths, printed as a table.

Usage: ``python -m benchmarks [--sizes 10000,100000,1000000] [--submits 500] [--letters 200] [--comments 1000]``

Goals are read off this table, never asserted in tests (timings depend on the
machine and on what else runs on it).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path


def measure(fn):
    """Run fn once; return (result, seconds, peak MiB traced by tracemalloc)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="respondent counts, comma-separated")
    ap.add_argument("--submits", type=int, default=500, help="responses submitted one by one to SQLite")
    ap.add_argument("--letters", type=int, default=200, help="invitation letters made in one print run")
    ap.add_argument("--comments", type=int, default=1000, help="free-text comments scrubbed (rules + deduce)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    from analysis.figures import compute_figures
    from analysis.io import read_responses, write_responses
    from analysis.report import report_json
    from sample_data.generator import generate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            df, s, mb = measure(lambda: generate(n=n))
            rows.append(("generate sample data", n, s, mb))
            _, s, mb = measure(lambda df=df: compute_figures(df))
            rows.append(("compute_figures (13 figures)", n, s, mb))
            _, s, mb = measure(lambda df=df: report_json(df))
            rows.append(("report --format json", n, s, mb))
            if n <= 100_000:
                path = Path(tmp) / f"r{n}.csv"
                _, s, mb = measure(lambda df=df, path=path: write_responses(df, path))
                rows.append(("write CSV", n, s, mb))
                _, s, mb = measure(lambda: read_responses(path))
                rows.append(("read + validate CSV", n, s, mb))
            pq = Path(tmp) / f"r{n}.parquet"
            write_responses(df, pq)
            _, s, mb = measure(lambda: read_responses(pq))
            rows.append(("read + validate Parquet", n, s, mb))
            del df

        # issue 9: the de-identifier (deduce): loading its tables once per process, then per comment
        from analysis import scrub

        _, s, mb = measure(scrub.deidentifier)
        rows.append(("load deduce (once per process)", 1, s, mb))
        texts = [
            f"Mijn werker heet Jan de Vries en ik woon in Utrecht, ik ben {12 + i % 6} jaar ({i})"
            for i in range(args.comments)
        ]
        _, s, mb = measure(lambda: [scrub.scrub_text(t) for t in texts])
        rows.append(("scrub_text (rules + deduce)", args.comments, s, mb))

        os.environ["SURVEY_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ.pop("SURVEY_DATABASE_URL", None)
        from survey_app.storage import Storage

        storage = Storage()
        info, _ = storage.create_round(name="bench", gis=("JBN",), access="open")
        answers = {
            "measure_type": "ots",
            "n_workers": 2,
            "had_gap": "nee",
            "grade": 7,
            "comment_grade": "Bel me op 06-12345678",
        }

        def submit_all():
            for _ in range(args.submits):
                storage.submit_response(
                    info.id, answers, gi="JBN", respondent_type="ouder", submission_token=uuid.uuid4().hex
                )

        _, s, mb = measure(submit_all)
        rows.append(("submit_response (SQLite, sequential)", args.submits, s, mb))
        _, s, mb = measure(lambda: storage.load_responses(round_ids=[info.id]))
        rows.append(("load_responses (SQLite)", args.submits, s, mb))

        # issue 11: a print run of invitation letters
        from analysis import letters

        coded = storage.setup_round(name="bench letters", gis=("JBN",), access="codes")
        codes, s, mb = measure(lambda: storage.issue_codes(coded.id, "JBN", "ouder", args.letters))
        rows.append(("issue_codes (SQLite)", args.letters, s, mb))
        made = letters.make_letters(
            base_url="https://vragenlijst.example.nl",
            round_id=coded.id,
            round_name=coded.name,
            gi="JBN",
            respondent_type="ouder",
            codes=codes,
        )
        letters.letters_pdf(made[:1]), letters.letters_docx(made[:1])  # imports out of the timing
        _, s, mb = measure(lambda: letters.letters_pdf(made))
        rows.append(("letters PDF (one page + QR each)", args.letters, s, mb))
        _, s, mb = measure(lambda: letters.letters_docx(made))
        rows.append(("letters Word (one page + QR each)", args.letters, s, mb))
        storage.dispose()

    print(f"{'benchmark':<40}{'rows':>10}{'seconds':>10}{'rows/s':>12}{'peak MiB':>10}")
    for name, n, s, mb in rows:
        print(f"{name:<40}{n:>10}{s:>10.3f}{n / s if s else float('inf'):>12.0f}{mb:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
