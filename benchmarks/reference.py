"""A plain pandas + scipy script that computes the same report as ``survey-app report --input``.

The yardstick of issue 10: read the contract CSV with typed columns, count the
answers of every figure, Wilson intervals for shares, t intervals for the mean
grade per number of workers with Kruskal-Wallis and Spearman, the worker
qualities by gap, contact by respondent type, suppression below the minimum
cell.  No validation records, no secondary suppression, no wording: what a
careful analyst would write in an afternoon.  Used only by the benchmark.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from scipy import stats

from analysis import contract

Z = stats.norm.ppf(0.975)
MIN_CELL = 10


def read(path) -> pd.DataFrame:
    dtypes = {c: "category" for c in contract.CODES}
    dtypes.update({c: "Int8" for c in contract.INT_RANGES})
    dtypes.update({c: "string" for c in ("response_id", "round_id", "gi", "submitted_week", *contract.COMMENT_COLUMNS)})
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])


def validate(df: pd.DataFrame) -> int:
    """Number of bad cells (codes outside the list, numbers out of range, missing required values)."""
    bad = 0
    for c, codes in contract.CODES.items():
        bad += int((~df[c].isin(codes) & df[c].notna()).sum())
    for c, (lo, hi) in contract.INT_RANGES.items():
        bad += int(((df[c] < lo) | (df[c] > hi)).fillna(False).sum())
    bad += int(df["response_id"].duplicated().sum())
    return bad


def wilson(k, n):
    k, n = np.asarray(k, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + Z**2 / n
        centre = (p + Z**2 / (2 * n)) / denom
        half = Z * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denom
    return 100 * p, 100 * (centre - half), 100 * (centre + half)


def distribution(s: pd.Series) -> list[dict]:
    counts = s.value_counts(dropna=True)
    n = int(counts.sum())
    pct, lo, hi = wilson(counts.to_numpy(), n)
    hide = n < MIN_CELL
    return [
        {
            "category": str(c),
            "n": int(k),
            "pct": None if hide else p,
            "ci_low": None if hide else a,
            "ci_high": None if hide else b,
        }
        for c, k, p, a, b in zip(counts.index, counts.to_numpy(), pct, lo, hi)
    ]


def by_group(df: pd.DataFrame, col: str, group: str) -> dict:
    return {str(g): distribution(part[col]) for g, part in df.groupby(group, observed=True)}


def report(df: pd.DataFrame) -> dict:
    out = {c: distribution(df[c]) for c in contract.DISTRIBUTION_FIGURES}
    grade = df[["grade", "n_workers"]].dropna()
    rows = []
    samples = []
    for g, part in grade.groupby("n_workers"):
        x = part["grade"].to_numpy(float)
        samples.append(x)
        m, sd, n = x.mean(), x.std(ddof=1), len(x)
        half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
        rows.append({"group": str(g), "n": n, "mean": m, "sd": sd, "ci_low": m - half, "ci_high": m + half})
    kw = stats.kruskal(*samples) if len(samples) > 1 else None
    rho = stats.spearmanr(grade["n_workers"].astype(float), grade["grade"].astype(float))
    out["grade_by_workers"] = {
        "rows": rows,
        "kruskal": None if kw is None else float(kw.pvalue),
        "spearman": float(rho.statistic),
    }
    quality = [c for c in contract.ITEM_COLUMNS if c.startswith("quality_")]
    q = {}
    for c in quality:
        t = pd.crosstab(df["had_gap"], df[c] == "ja")
        for g in t.index:
            k, n = int(t.loc[g].get(True, 0)), int(t.loc[g].sum())
            pct, lo, hi = wilson(k, n)
            q[f"{c}:{g}"] = {"n": n, "n_positive": k, "pct": float(pct), "ci_low": float(lo), "ci_high": float(hi)}
    out["worker_qualities_by_gap"] = q
    out["contact_one_on_one"] = by_group(df, "contact_one_on_one", "respondent_type")
    out["say_in_plan_by_respondent_type"] = by_group(df, "say_in_plan", "respondent_type")
    out["say_in_plan_by_gap"] = by_group(df, "say_in_plan", "had_gap")
    nw = df["n_workers"].dropna()
    out["n_workers_4_or_more"] = wilson(int((nw >= 4).sum()), len(nw))[0].item()
    return out


def run(path) -> str:
    df = read(path)
    validate(df)
    return json.dumps(report(df), default=str)
