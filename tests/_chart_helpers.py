"""Hand-made figure objects with the table schemas of docs/architecture.md.

They stand in for ``analysis.figures.FigureResult`` in the chart tests: the
charts may only rely on the attributes id, kind, base_n, table, tests, title
(and title_en, min_cell).  Intervals are Wilson 95 % (proportions) and t-based (means),
computed here independently of analysis.stats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

MIN_CELL = 10


@dataclass
class FakeFigure:
    id: str
    kind: str
    base_n: int
    table: pd.DataFrame
    tests: dict | None
    title: str
    title_en: str
    min_cell: int = MIN_CELL


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def _pct_row(k: int, n: int, min_cell: int = MIN_CELL) -> dict[str, Any]:
    if n < min_cell:
        return {"pct": np.nan, "ci_low": np.nan, "ci_high": np.nan, "suppressed": True, "indicative": False}
    lo, hi = wilson(k, n)
    return {"pct": 100 * k / n, "ci_low": lo, "ci_high": hi, "suppressed": False, "indicative": n < 30}


def distribution(fig_id: str, counts: dict[str, int], *, title: str, title_en: str) -> FakeFigure:
    base = sum(counts.values())
    rows = []
    for cat, k in counts.items():
        r = {"category": cat, "n": float(k) if base >= MIN_CELL else np.nan, **_pct_row(k, base)}
        rows.append(r)
    table = pd.DataFrame(rows, columns=["category", "n", "pct", "ci_low", "ci_high", "suppressed", "indicative"])
    return FakeFigure(fig_id, "distribution", base, table, None, title, title_en)


def distribution_by_group(fig_id: str, counts: dict[str, dict[str, int]], *, title: str, title_en: str) -> FakeFigure:
    rows = []
    for group, cats in counts.items():
        base = sum(cats.values())
        for cat, k in cats.items():
            rows.append(
                {"group": group, "category": cat, "n": float(k) if base >= MIN_CELL else np.nan, **_pct_row(k, base)}
            )
    table = pd.DataFrame(
        rows, columns=["group", "category", "n", "pct", "ci_low", "ci_high", "suppressed", "indicative"]
    )
    base_n = sum(sum(c.values()) for c in counts.values())
    return FakeFigure(fig_id, "distribution_by_group", base_n, table, None, title, title_en)


def mean_by_group(
    fig_id: str, groups: dict[str, tuple[float, float, int]], *, tests: dict | None, title: str, title_en: str
) -> FakeFigure:
    """groups: label -> (mean, sd, n)."""
    rows = []
    for g, (mean, sd, n) in groups.items():
        if n < MIN_CELL:
            rows.append(
                {
                    "group": g,
                    "n": n,
                    "mean": np.nan,
                    "sd": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "suppressed": True,
                    "indicative": False,
                }
            )
            continue
        half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
        rows.append(
            {
                "group": g,
                "n": n,
                "mean": mean,
                "sd": sd,
                "ci_low": mean - half,
                "ci_high": mean + half,
                "suppressed": False,
                "indicative": n < 30,
            }
        )
    table = pd.DataFrame(rows, columns=["group", "n", "mean", "sd", "ci_low", "ci_high", "suppressed", "indicative"])
    table["n"] = table["n"].astype("int64")
    base_n = int(sum(n for _, _, n in groups.values()))
    return FakeFigure(fig_id, "mean_by_group", base_n, table, tests, title, title_en)


def pct_by_group(
    fig_id: str, cells: dict[tuple[str, str], tuple[int, int]], *, title: str, title_en: str, base_n: int
) -> FakeFigure:
    """cells: (item, group) -> (n_positive, n)."""
    rows = []
    for (item, group), (k, n) in cells.items():
        r = _pct_row(k, n)
        rows.append({"item": item, "group": group, "n": n, "n_positive": np.nan if r["suppressed"] else k, **r})
    table = pd.DataFrame(
        rows, columns=["item", "group", "n", "n_positive", "pct", "ci_low", "ci_high", "suppressed", "indicative"]
    )
    return FakeFigure(fig_id, "pct_by_group", base_n, table, None, title, title_en)


# ------------------------------------------------------------------ the published 2025 shapes


def explained_at_start(scale: int = 1) -> FakeFigure:
    # counts chosen to give the published 41 / 29 / 25 / 5 % of n = 1523
    counts = {"ja": 624, "een_beetje": 442, "nee": 381, "weet_niet": 76}
    if scale != 1:
        counts = {k: max(0, round(v / scale)) for k, v in counts.items()}
    return distribution(
        "explained_at_start",
        counts,
        title="Is er bij de start uitgelegd wat er ging gebeuren?",
        title_en="Was it explained at the start what was going to happen?",
    )


def measure_type() -> FakeFigure:
    return distribution(
        "measure_type",
        {"jeugdreclassering": 139, "ots": 903, "voogdij": 417, "weet_niet": 64},
        title="Soort maatregel",
        title_en="Type of measure",
    )


def say_in_plan_tiny() -> FakeFigure:
    return distribution(
        "say_in_plan",
        {"ja": 3, "nee": 2, "geen_plan_bekend": 2},
        title="Inspraak in het plan van aanpak",
        title_en="Say in the plan of action",
    )


def contact_one_on_one(youth_n: int = 350) -> FakeFigure:
    youth_share = {"meer_dan_1": 0.72, "1_keer": 0.10, "nooit": 0.12, "weet_niet": 0.06}
    youth = {k: round(v * youth_n) for k, v in youth_share.items()}
    parents = {"meer_dan_1": 638, "1_keer": 110, "nooit": 231, "weet_niet": 121}
    return distribution_by_group(
        "contact_one_on_one",
        {"jeugdige": youth, "ouder": parents},
        title="Heeft de jeugdzorgwerker de jeugdige alleen gesproken?",
        title_en="Has the worker talked with the young person alone?",
    )


def grade_by_workers(*, small_zero: bool = False, with_tests: bool = True) -> FakeFigure:
    # published 2025 means and group sizes (reference yaml fig7); sd made up
    groups = {
        "0": (2.9, 2.0, 7 if small_zero else 25),
        "1": (6.2, 2.1, 320),
        "2": (5.6, 2.2, 345),
        "3": (5.5, 2.3, 234),
        "4": (2.3, 1.9, 169),
        "5": (4.5, 2.4, 85),
        "meer_dan_5": (4.0, 2.5, 345),
    }
    tests = (
        {"kruskal_wallis": {"statistic": 212.4, "p_value": 1.2e-40}, "spearman": {"rho": -0.21, "p_value": 3.0e-16}}
        if with_tests
        else None
    )
    return mean_by_group(
        "grade_by_workers",
        groups,
        tests=tests,
        title=(
            "Het rapportcijfer dat ouders en jeugdigen geven in relatie tot het aantal "
            "jeugdzorgwerkers dat zij hebben gehad"
        ),
        title_en="The grade parents and young people give, by the number of workers they have had",
    )


QUALITY_ITEMS = (
    "quality_time_attention",
    "quality_understanding",
    "quality_respectful",
    "quality_expert",
    "quality_clear",
    "quality_reachable",
)


def worker_qualities_by_gap(*, suppress: tuple[str, str] | None = None) -> FakeFigure:
    # no gap: n = 900, gap: n = 470; first three shares from the published fig9
    shares = {
        "quality_time_attention": (0.43, 0.18),
        "quality_understanding": (0.44, 0.19),
        "quality_respectful": (0.59, 0.36),
        "quality_expert": (0.52, 0.30),
        "quality_clear": (0.47, 0.25),
        "quality_reachable": (0.50, 0.22),
    }
    cells = {}
    for item, (nee, ja) in shares.items():
        cells[(item, "nee")] = (round(nee * 900), 900)
        cells[(item, "ja")] = (round(ja * 470), 470)
    if suppress is not None:
        cells[suppress] = (3, 8)
    return pct_by_group(
        "worker_qualities_by_gap",
        cells,
        base_n=1370,
        title="Oordeel over de jeugdzorgwerker, naar wel of geen periode zonder jeugdzorgwerker",
        title_en="Opinion of the worker, by whether there was a period without a worker",
    )
