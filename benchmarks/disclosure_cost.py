"""Cost and build time of the protected table (issue 9, docs/disclosure.md).

Run: ``.venv/bin/python -m benchmarks.disclosure_cost [--audit]`` (the cube pins BLAS to one
thread itself).
Prints per family the build time, published cells with respondents, and how
many are shown, hidden as small (primary) and hidden to protect them
(secondary), on the demo data (``sample_data.generate()``) or, with
``--audit``, on the auditor's data set (tests/_disclosure_data.py).
With ``--crosstab`` it then times the cross tables of every filter dimension
and question on the Verbanden page (national view, figure families already
built): they are read from the question's family, so no family is built.

Reference (demo data, 2 cores, quiet machine, 2026-12-04): main before the
closure fix of issue 9 (a) 5.4 s (2348 shown, 1901 protecting; its check
stopped at sets it could not cut); the fix with every pair of the size window
tested 22.7 s (grade 11.4 s: rounds 2-3 of the check build 285,000 sets);
pairs with the same heavy atoms only (``analysis.cube._small_differences``)
3.3 s (grade 1.1 s), same cells (2342 shown, 1907 protecting).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from analysis.protection import ProtectedData


def main(argv: list[str]) -> None:
    if "--audit" in argv:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from _disclosure_data import audit_frame

        df, name = audit_frame(), "auditor data set"
    else:
        from sample_data.generator import generate

        df, name = generate(), "demo data"
    data = ProtectedData(df, min_cell=10)
    print(f"{name}: {len(df)} respondents")
    total = time.perf_counter()
    closure = [0.0, 0]
    for key in data.figure_families():
        t = time.perf_counter()
        cube = data.family(key)
        row = data.cost([key]).iloc[0].to_dict()
        closure[0] += cube.closure_seconds
        closure[1] += cube.closure_checks
        print(
            f"{time.perf_counter() - t:7.1f} s  {row}  (repeated-subtraction check: {cube.closure_checks} x, "
            f"{cube.closure_seconds:.2f} s)",
            flush=True,
        )
    cost = data.cost()
    print(
        f"total {time.perf_counter() - total:.1f} s, of which repeated-subtraction checks {closure[0]:.1f} s ({closure[1]} checks)"
    )
    print(cost.sum(numeric_only=True).to_dict())
    if "--crosstab" in argv:
        from analysis.protection import DIMS, ITEMS

        view = data.view({})
        built = set(data._families)
        t = time.perf_counter()
        pairs = [(d, i) for d in DIMS for i in ITEMS] + [("had_gap", "say_in_plan")]
        for row, col in pairs:
            view.crosstab(row, col)
        new = sorted(set(data._families) - built)
        print(
            f"crosstab: {len(pairs)} dimension x question tables in {time.perf_counter() - t:.1f} s, "
            f"{len(new)} families built"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
