"""report_dict against an independent, straightforward implementation.

The expected report is computed here from plain Python records with textbook
formulas (Wilson score interval written out, t quantile from
scipy.stats.t.ppf, scipy.stats.kruskal / spearmanr, and a hand-written
Jonckheere-Terpstra count with the Hollander & Wolfe tie-corrected variance),
without pandas or analysis.stats.  Every row of every figure and text
statistic must agree to 1e-6.

Suppression is written here from the rule, not taken from analysis.stats:
primary (a base below min_cell), then secondary in the grouped tables (while
the hidden groups with answers hold 1..min_cell-1 respondents together, hide
the smallest shown group with answers too; Hundepool et al. 2012, Statistical
Disclosure Control, ch. 4), and the grade_by_workers tests over the shown
groups only.

Since data contract 1.1 the report reads one protected table decided jointly
over every selection (analysis.protection), so a filtered report can hide more
than this single-table rule: the comparison asserts that every value the rule
hides is hidden, that every value the report shows equals the independent
value, that a hidden group's size is null (``n_below`` = min_cell when it is
small), and that the trend tests equal the independent tests over the groups
the report shows.  Filters are one value each and min_cell is at least 10
(lists of several values and lower minimums are refused since 1.1).
"""

from __future__ import annotations

import math
import statistics
from statistics import NormalDist

import numpy as np
import pytest
from _helpers_stats import random_frame, records
from scipy import stats as st

from analysis import contract
from analysis.report import report_dict

Z = NormalDist().inv_cdf(0.975)
WORKER_LABEL = {0: "0", 1: "1", 2: "2", 3: "3", 4: "4", 5: "5", 6: "meer_dan_5"}
QUALITY = (
    "quality_time_attention",
    "quality_understanding",
    "quality_respectful",
    "quality_expert",
    "quality_clear",
    "quality_reachable",
)
TOL = 1e-6


# --------------------------------------------------------------------------- the independent version


def wilson_pct(k: int, n: int) -> tuple[float, float]:
    """Wilson (1927) score interval, in percent."""
    p = k / n
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return 100 * (centre - half), 100 * (centre + half)


def label(col, v):
    return WORKER_LABEL[int(v)] if col == "n_workers" else v


def keep(r, filters) -> bool:
    for k, v in filters.items():
        if v is None:
            continue
        allowed = [v] if isinstance(v, str) else list(v)
        if r[k] not in allowed:
            return False
    return True


def hidden_groups(bases: dict, min_cell: int) -> set:
    """Groups to hide: primary (base < min_cell), then secondary.

    Secondary: as long as the hidden groups that have respondents hold more
    than 0 but fewer than min_cell of them together, hide the shown group
    with the fewest respondents (ties: the first one listed), never a group
    without respondents.
    """
    hidden = {g for g, n in bases.items() if n < min_cell}
    while True:
        held = sum(n for g, n in bases.items() if g in hidden and n > 0)
        if held == 0 or held >= min_cell:
            return hidden
        candidates = [(n, i, g) for i, (g, n) in enumerate(bases.items()) if g not in hidden and n > 0]
        if not candidates:
            return hidden
        hidden.add(min(candidates)[2])


def prop_row(k, n, min_cell, hide_n, hide=False):
    if n < min_cell or hide:
        return {
            "n": None if hide_n else n,
            "pct": None,
            "ci_low": None,
            "ci_high": None,
            "suppressed": True,
            "indicative": False,
        }
    lo, hi = wilson_pct(k, n)
    return {
        "n": k if hide_n else n,
        "pct": 100 * k / n,
        "ci_low": lo,
        "ci_high": hi,
        "suppressed": False,
        "indicative": n < 30,
    }


def dist_rows(answers, cats, min_cell, hide=False):
    n = len(answers)
    return [{"category": c, **prop_row(answers.count(c), n, min_cell, hide_n=True, hide=hide)} for c in cats]


def exp_distribution(recs, col, min_cell):
    cats = list(WORKER_LABEL.values()) if col == "n_workers" else list(contract.CODES[col])
    answers = [label(col, r[col]) for r in recs if r[col] is not None]
    return {"id": col, "kind": "distribution", "base_n": len(answers), "rows": dist_rows(answers, cats, min_cell)}


def exp_by_group(fid, recs, col, group, groups, min_cell):
    answers = {g: [r[col] for r in recs if r[group] == g and r[col] is not None] for g in groups}
    group_n = {g: len(a) for g, a in answers.items()}
    hidden = hidden_groups(group_n, min_cell)
    rows = []
    for g in groups:
        rows += [{"group": g, **row} for row in dist_rows(answers[g], list(contract.CODES[col]), min_cell, g in hidden)]
    return {
        "id": fid,
        "kind": "distribution_by_group",
        "base_n": sum(group_n.values()),
        "group_n": group_n,
        "rows": rows,
    }


def jt_independent(samples):
    """Jonckheere-Terpstra J by direct counting; z with the tie-corrected variance
    of Hollander & Wolfe (1999) eq. 6.19; two-sided normal p."""
    J = 0.0
    for i in range(len(samples)):
        for j in range(i + 1, len(samples)):
            for a in samples[i]:
                for b in samples[j]:
                    J += 1.0 if a < b else (0.5 if a == b else 0.0)
    ns = [len(s) for s in samples]
    N = sum(ns)
    pooled = [v for s in samples for v in s]
    ts = [pooled.count(v) for v in set(pooled)]
    mean = (N**2 - sum(n**2 for n in ns)) / 4
    var = (
        (
            N * (N - 1) * (2 * N + 5)
            - sum(n * (n - 1) * (2 * n + 5) for n in ns)
            - sum(t * (t - 1) * (2 * t + 5) for t in ts)
        )
        / 72
        + sum(n * (n - 1) * (n - 2) for n in ns) * sum(t * (t - 1) * (t - 2) for t in ts) / (36 * N * (N - 1) * (N - 2))
        + sum(n * (n - 1) for n in ns) * sum(t * (t - 1) for t in ts) / (8 * N * (N - 1))
    )
    z = (J - mean) / math.sqrt(var)
    return J, z, math.erfc(abs(z) / math.sqrt(2))


def exp_grade_by_workers(recs, min_cell, also_hidden=()):
    grades = {
        code: [float(r["grade"]) for r in recs if r["n_workers"] == code and r["grade"] is not None]
        for code in WORKER_LABEL
    }
    hidden = hidden_groups({code: len(v) for code, v in grades.items()}, min_cell)
    hidden |= {code for code, g in WORKER_LABEL.items() if g in also_hidden}
    rows, samples, xs, ys = [], [], [], []
    base = sum(len(v) for v in grades.values())
    for code, g in WORKER_LABEL.items():
        vals = grades[code]
        n = len(vals)
        if vals and code not in hidden:  # the tests use the shown groups only
            samples.append(vals)
            xs += [code] * n
            ys += vals
        if code in hidden:
            rows.append(
                {
                    "group": g,
                    "n": n,
                    "mean": None,
                    "sd": None,
                    "ci_low": None,
                    "ci_high": None,
                    "suppressed": True,
                    "indicative": False,
                }
            )
            continue
        m = statistics.fmean(vals)
        if n < 2:  # one answer (only reachable with min_cell <= 1): no sd, no interval
            sd = low = high = None
        else:
            sd = statistics.stdev(vals)
            half = st.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
            low, high = m - half, m + half
        rows.append(
            {
                "group": g,
                "n": n,
                "mean": m,
                "sd": sd,
                "ci_low": low,
                "ci_high": high,
                "suppressed": False,
                "indicative": n < 30,
            }
        )
    tests = None
    if len(samples) >= 2 and len(ys) >= min_cell:
        kw = st.kruskal(*samples)
        rho = st.spearmanr(xs, ys)
        j, z, p = jt_independent(samples)
        tests = {
            "kruskal_wallis": {"statistic": kw.statistic, "p_value": kw.pvalue},
            "spearman": {"rho": rho.statistic, "p_value": rho.pvalue},
            "jonckheere_terpstra": {"statistic": z, "p_value": p, "j": j},
        }
    return {
        "id": "grade_by_workers",
        "kind": "mean_by_group",
        "base_n": base,
        "group_n": {r["group"]: r["n"] for r in rows},
        "rows": rows,
        "tests": tests,
    }


def exp_qualities(recs, min_cell):
    rows = []
    for item in QUALITY:
        answers = {g: [r[item] for r in recs if r["had_gap"] == g and r[item] is not None] for g in ("nee", "ja")}
        hidden = hidden_groups({g: len(a) for g, a in answers.items()}, min_cell)
        for g in ("nee", "ja"):
            n, k = len(answers[g]), answers[g].count("ja")
            row = prop_row(k, n, min_cell, hide_n=False, hide=g in hidden)
            row["n_positive"] = None if row["suppressed"] else k
            rows.append({"item": item, "group": g, **row})
    group_n = {g: sum(1 for r in recs if r["had_gap"] == g) for g in ("nee", "ja")}
    return {
        "id": "worker_qualities_by_gap",
        "kind": "pct_by_group",
        "base_n": sum(group_n.values()),
        "group_n": group_n,
        "rows": rows,
    }


def exp_share(fid, recs, codes, min_cell):
    answered = [int(r["n_workers"]) for r in recs if r["n_workers"] is not None]
    n, k = len(answered), sum(1 for v in answered if v in codes)
    row = prop_row(k, n, min_cell, hide_n=False)
    row["n_positive"] = None if row["suppressed"] else k
    cat = "|".join(WORKER_LABEL[c] for c in sorted(codes))
    return {"id": fid, "kind": "share", "base_n": n, "rows": [{"item": "n_workers", "category": cat, **row}]}


def expected_report(recs, filters, min_cell):
    sub = [r for r in recs if keep(r, filters)]
    figs = {fid: exp_distribution(sub, fid, min_cell) for fid in contract.DISTRIBUTION_FIGURES}
    figs["grade_by_workers"] = exp_grade_by_workers(sub, min_cell)
    figs["worker_qualities_by_gap"] = exp_qualities(sub, min_cell)
    figs["contact_one_on_one"] = exp_by_group(
        "contact_one_on_one", sub, "contact_one_on_one", "respondent_type", ("jeugdige", "ouder"), min_cell
    )
    texts = [
        exp_share("n_workers_4_or_more", sub, {4, 5, 6}, min_cell),
        exp_share("n_workers_more_than_5", sub, {6}, min_cell),
        exp_by_group(
            "say_in_plan_by_respondent_type", sub, "say_in_plan", "respondent_type", ("jeugdige", "ouder"), min_cell
        ),
        exp_by_group("say_in_plan_by_gap", sub, "say_in_plan", "had_gap", ("ja", "nee", "weet_niet"), min_cell),
    ]
    return len(sub), [figs[f] for f in contract.FIGURE_IDS], texts


# --------------------------------------------------------------------------- comparison


def assert_close(got, want, where):
    if want is None or (isinstance(want, float) and math.isnan(want)):
        assert got is None, where
    elif isinstance(want, bool):
        assert got is want, where
    elif isinstance(want, str):
        assert got == want, where
    elif isinstance(want, dict):
        assert isinstance(got, dict) and set(want) <= set(got), where
        for k in want:
            assert_close(got[k], want[k], f"{where}.{k}")
    else:
        assert got is not None, where
        assert abs(float(got) - float(want)) <= TOL * max(1.0, abs(float(want))), (where, got, want)


def compare_figure(got: dict, want: dict, recs=None, min_cell=10):
    """The report (protected table) against the single-table rule (see the module docstring)."""
    where = want["id"]
    assert (got["id"], got["kind"]) == (want["id"], want["kind"]), where
    if got["base_n"] is not None:
        assert got["base_n"] == want["base_n"], where
    if "group_n" in want:
        for g, n in got["group_n"].items():
            if n is not None:
                assert n == want["group_n"][g], (where, g)
    assert len(got["rows"]) == len(want["rows"]), where
    for i, (g, w) in enumerate(zip(got["rows"], want["rows"])):
        assert set(g) == set(w) | {"n_below"}, (where, i)
        if w["suppressed"] and where != "worker_qualities_by_gap":
            # (worker_qualities_by_gap: its two groups do not add up to a published total, because
            # "weet niet" and not answered are never shown, so hiding one group can be enough)
            assert g["suppressed"], (where, i, "the single-table rule hides this")
        if g["suppressed"]:
            for k in ("pct", "mean", "sd", "ci_low", "ci_high", "n_positive"):
                if k in g:
                    assert g[k] is None, (where, i, k)
            assert g["n"] is None or g["n"] == 0 or where in ("measure_type",), (where, i)
            assert g["n_below"] in (None, min_cell), (where, i)
            continue
        if w["suppressed"]:  # shown by the protected table only (worker_qualities_by_gap, see above)
            answers = [r[g["item"]] for r in recs if r["had_gap"] == g["group"] and r[g["item"]] is not None]
            n, k = len(answers), answers.count("ja")
            w = {"item": g["item"], "group": g["group"], **prop_row(k, n, min_cell, hide_n=False)}
            w["n_positive"] = k
        for k in w:
            assert_close(g[k], w[k], f"{where}.rows[{i}].{k}")
    if "tests" in want:
        shown = {r["group"] for r in got["rows"] if not r["suppressed"]}
        if shown == {r["group"] for r in want["rows"] if not r["suppressed"]}:
            assert_close(got["tests"], want["tests"], f"{where}.tests")
        else:  # the protected table hides more groups: the tests over the groups it shows
            hidden = {r["group"] for r in got["rows"]} - shown
            redo = exp_grade_by_workers(recs, min_cell, also_hidden=hidden)
            assert_close(got["tests"], redo["tests"], f"{where}.tests")


CASES = [
    # (seed, n, p_missing, filters, min_cell); since contract 1.1 one value per filter and min_cell >= 10
    # (were: measure_type ["ots", "voogdij"], gi ["JBN", "JBW"] with min_cell 5, min_cell 3 and 1)
    (101, 600, 0.05, {}, 10),
    (102, 600, 0.10, {"gi": "WSS"}, 10),
    (103, 800, 0.08, {"respondent_type": "jeugdige", "measure_type": "ots"}, 10),
    (104, 300, 0.30, {"gi": "JBN"}, 10),
    (105, 150, 0.15, {"respondent_type": "ouder"}, 20),
    (106, 40, 0.20, {}, 10),
    (107, 15, 0.10, {"gi": "JBG"}, 10),
    (108, 500, 0.50, {"measure_type": "weet_niet"}, 10),
    (109, 250, 0.05, {"round_id": "ronde-test-2025", "gi": "JBRA"}, 10),
]


@pytest.mark.parametrize("seed, n, p_missing, filters, min_cell", CASES)
def test_report_dict_matches_independent_implementation(below_min_cell_floor, seed, n, p_missing, filters, min_cell):
    df = random_frame(seed, n, p_missing=p_missing)
    got = report_dict(df, filters=filters, min_cell=min_cell)
    recs = records(df)
    n_sub, figs, texts = expected_report(recs, filters, min_cell)
    assert got["n_respondents"] in (n_sub, None)
    assert got["min_cell"] == min_cell
    assert [f["id"] for f in got["figures"]] == list(contract.FIGURE_IDS)
    sub = [r for r in recs if keep(r, filters)]
    for g, w in zip(got["figures"], figs):
        compare_figure(g, w, sub, min_cell)
    assert [f["id"] for f in got["text_statistics"]] == [t["id"] for t in texts]
    for g, w in zip(got["text_statistics"], texts):
        compare_figure(g, w, sub, min_cell)


def test_report_dict_unfiltered_equals_independent_rule_on_large_groups():
    """Without filters and with every national group at least min_cell, nothing extra is hidden."""
    df = random_frame(110, 1500, p_missing=0.02)
    got = report_dict(df, filters={}, min_cell=10)
    _, figs, texts = expected_report(records(df), {}, 10)
    for g, w in zip(got["figures"] + got["text_statistics"], figs + texts):
        assert [r["suppressed"] for r in g["rows"]] == [r["suppressed"] for r in w["rows"]], g["id"]


def test_independent_jt_agrees_with_direct_kendall_relation():
    """Sanity check of the independent JT: 2J - E-term equals Kendall's S (concordant - discordant)."""
    rng = np.random.default_rng(7)
    samples = [list(rng.integers(1, 11, size)) for size in (12, 7, 20, 3)]
    j, z, p = jt_independent(samples)
    xs = [i for i, s in enumerate(samples) for _ in s]
    ys = [v for s in samples for v in s]
    s_kendall = sum(
        np.sign(xs[b] - xs[a]) * np.sign(ys[b] - ys[a]) for a in range(len(xs)) for b in range(a + 1, len(xs))
    )
    pairs_between = sum(len(samples[a]) * len(samples[b]) for a in range(4) for b in range(a + 1, 4))
    assert 2 * j - pairs_between == pytest.approx(s_kendall)
    assert 0 <= p <= 1
