"""The table `make benchmark` prints (issue 10 item 6): each target met or not, and why not.

The speeds themselves are measured by the benchmark, never asserted here (the brief).
"""

from __future__ import annotations

import re
from pathlib import Path

from benchmarks.__main__ import SHORTFALL, Row, table, verdict

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_table_says_which_targets_are_met_and_why_not():
    rows = [
        verdict(Row("submissions/s, 8 writers, SQLite", "420/s", "2000/s", "4.8x slower", ">= 500/s"), False, "submit"),
        verdict(Row("import 1,000,000 rows, SQLite (wall)", "25 s", "10 s", "2.5x slower", "< 30 s"), True, "import"),
        verdict(Row("submissions/s, 1 writer, SQLite", "340/s", "2300/s", "6.8x slower", ""), None, "submit"),
    ]
    lines = table(rows).splitlines()
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    assert head[4:6] == ["target (issue 10)", "met"]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    assert cells[0][5] == f"no: {SHORTFALL['submit']}"
    assert cells[1][5] == "yes"
    assert cells[2][5] == ""  # no target: nothing to meet


def test_benchmark_every_kind_of_row_has_a_reason_for_a_shortfall():
    used = set()
    for path in (ROOT / "benchmarks").glob("*.py"):
        for line in path.read_text().splitlines():
            if "verdict(" in line and "def verdict" not in line:
                used.add(re.search(r'"(\w+)"\)+\s*$', line).group(1))  # the kind: verdict's last argument
    assert used and used <= set(SHORTFALL), used - set(SHORTFALL)
    assert {"report", "import", "aggregate", "submit", "overzicht", "memory"} <= used
