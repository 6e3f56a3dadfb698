"""Calibrated synthetic response data (demo / test data, never real people).

:func:`generate` returns a canonical response frame (see ``docs/architecture.md``)
whose default 1,523 respondents reproduce every figure published in the 2025
inspection report (``analysis/data/published_2025.yaml``) after rounding as
printed.  All rows carry ``round_id = "demo-synthetisch-2025"`` so they can never
be mistaken for real answers.

How it works
------------
Nothing is sampled where a published number pins it down.  Every published
distribution is an *exact quota*: integer counts over the answered base
(largest-remainder allocation of the printed percentages, then nudged so that
each share rounds, half up, to the printed value; see :func:`_quota`).  Who
gets which answer is decided by *ranking* scores:

* ``gap score``  = propensity by number of workers + noise -> ``had_gap``
  (more workers, more often a period without one);
* ``experience`` = noise + effect of the worker group (from the published grade
  means) - penalty for a gap + small bonus for youths.  It drives the grade
  (within each worker group: a fixed list of grades whose sum gives the printed
  mean is handed out by rank), the participation items (through a shared
  participation factor, so they go together), ``say_in_plan``,
  ``help_improves``, the six quality items and ``contact_one_on_one``.

Conditional published figures get explicit cell quotas: ``say_in_plan`` "nee"
by respondent type x gap, quality items by gap group, ``contact_one_on_one`` by
respondent type, grade sums by worker group.

Missing answers: about 2 % of each optional item is left empty (rate drawn per
item between 1.5 and 2.5 %).  ``measure_type`` is required in the questionnaire
and published over all 1,523 respondents, so it is always filled; so are
``n_workers`` and ``grade``.  Items with ``show_if: n_workers >= 1`` (quality
items, ``contact_one_on_one``) are empty when ``n_workers == 0``.

``generate(n=N)`` keeps the proportions (quotas scaled with the largest
remainder, still nudged to the printed rounding when the base allows it).
Everything is vectorised numpy; a million rows take a few seconds.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.special import ndtri

from analysis import contract

DEFAULT_N = 1523
DEFAULT_SEED = 20250101

# --------------------------------------------------------------------------- targets
# Published values (analysis/data/published_2025.yaml); (printed value, decimals).
TYPE_COUNTS = {"ouder": 1151, "jeugdige": 372}
#: respondents per n_workers code 0..6 (fig7, column aantal_respondenten)
WORKER_COUNTS = (25, 320, 345, 234, 169, 85, 345)
#: printed mean grade per n_workers code 0..6 (fig7); group 4 "as printed"
GRADE_MEANS = (2.9, 6.2, 5.6, 5.5, 2.3, 4.5, 4.0)
#: "bijna een kwart" had more than 5 workers: 345/1523 = 22.7 % (kept when scaling)
MORE_THAN_5 = (Fraction(2265, 100), Fraction(2275, 100))
GRADE_SD = 2.2  # spread of the grade list within a group (before clipping to 1..10)

PRINTED: dict[str, tuple[Sequence[float], int]] = {
    "measure_type": ((9.1, 59.3, 27.4, 4.2), 1),  # fig1
    "explained_at_start": ((41, 29, 25, 5), 0),  # fig2
    "opinion_asked": ((7, 30, 30, 33), 0),  # fig3
    "involved_in_decisions": ((32, 28, 40), 0),  # fig4
    "asked_life_domains": ((40, 21, 39), 0),  # fig5
    "asked_safety": ((49, 20, 31), 0),  # fig6
    "help_improves": ((37, 24, 40), 0),  # fig8 (sums to 101)
}
#: contact_one_on_one by respondent type (text statistics)
CONTACT_PRINTED = {"jeugdige": (72, 10, 12, 6), "ouder": (58, 10, 21, 11)}
#: had_gap: "ten minste 31 %" ja -> ja share in [31, 31.5); nee / weet_niet not published
HAD_GAP_WEIGHTS = (31.2, 60.8, 8.0)
HAD_GAP_JA_INTERVAL = (Fraction(31), Fraction(63, 2))
#: say_in_plan "nee": all 43, jeugdige 28, had_gap=ja 55; geen_plan_bekend 16 (text statistics)
SAY_NEE_ALL, SAY_NEE_YOUTH, SAY_NEE_GAP, SAY_UNKNOWN = 43, 28, 55, 16
#: "nee" rate in the youth x gap cell (free; the other three cells follow)
SAY_NEE_YOUTH_GAP = 0.40
#: % "ja" per quality item: (had_gap nee, had_gap ja).  The first three are
#: published (fig9); expert / clear / reachable are plausible inventions.
QUALITY_JA = {
    "quality_time_attention": (43, 18),
    "quality_understanding": (44, 19),
    "quality_respectful": (59, 36),
    "quality_expert": (52, 31),
    "quality_clear": (47, 23),
    "quality_reachable": (41, 16),
}
QUALITY_PUBLISHED = ("quality_time_attention", "quality_understanding", "quality_respectful")
#: share "een_beetje" among the answers that are not "ja", per gap group (nee, ja)
QUALITY_BEETJE = (0.50, 0.38)

GI_WEIGHTS = {"JBG": 21, "JBN": 16, "JBRA": 28, "JBW": 22, "WSS": 13}
#: fieldwork: ISO weeks 2024-W36 .. 2025-W10; WSS started late (2025-W02 on)
FIELDWORK = ((2024, 36), (2025, 10))
WSS_START = (2025, 2)
NA_RATE = (0.015, 0.025)
COMMENT_RATE = 0.03

#: optional items that may be left empty (the comments are handled apart)
OPTIONAL_ITEMS = (
    "had_gap",
    "contact_one_on_one",
    "explained_at_start",
    "opinion_asked",
    "involved_in_decisions",
    "asked_life_domains",
    "asked_safety",
    "say_in_plan",
    "help_improves",
    *contract.QUALITY_ITEMS,
)
SHOWN_IF_WORKERS = ("contact_one_on_one", *contract.QUALITY_ITEMS)

# Plausible Dutch comments without personal data, by grade band.
COMMENTS_GRADE = {
    "low": (
        "Ik heb in korte tijd veel verschillende jeugdzorgwerkers gehad.",
        "Er werd niet geluisterd naar wat wij zelf wilden.",
        "Afspraken werden vaak afgezegd of verzet.",
        "Het duurde maanden voordat er iemand voor ons kwam.",
        "Ik voelde me niet serieus genomen.",
        "Ik wist nooit wie ik kon bellen.",
        "Er werd over ons gepraat in plaats van met ons.",
    ),
    "mid": (
        "Soms goed, soms niet. Het hangt af van wie je krijgt.",
        "De bedoeling is goed, maar er is te weinig tijd.",
        "Het contact is beter geworden sinds de laatste wissel.",
        "Ze doet haar best, maar de wachtlijsten maken het lastig.",
        "Niet alles ging goed, maar er is wel iets veranderd.",
    ),
    "high": (
        "Ze luistert echt en legt alles goed uit.",
        "Hij is eerlijk, ook als het nieuws niet leuk is.",
        "Ik kan altijd bellen als er iets is.",
        "Door de hulp gaat het thuis een stuk beter.",
        "Fijn dat ik zelf mocht meedenken over het plan.",
        "Duidelijk en betrokken, ik weet waar ik aan toe ben.",
    ),
}
COMMENTS_IMPROVE = (
    "Vaker langskomen en beter bereikbaar zijn.",
    "Minder wisselingen van jeugdzorgwerker.",
    "Eerder uitleggen wat er gaat gebeuren.",
    "Ook met mij praten en niet alleen met mijn ouders.",
    "Terugbellen als je dat belooft.",
    "Het plan samen maken en het ook aan ons laten zien.",
    "Meer tijd nemen voor een gesprek.",
    "Laten weten wie er waarneemt als de vaste jeugdzorgwerker er niet is.",
)


# --------------------------------------------------------------------------- quotas


def _interval(value: float, decimals: int) -> tuple[Fraction, Fraction]:
    """Half-open interval [lo, hi) of percentages that round (half up) to *value*."""
    p = Fraction(str(value))
    h = Fraction(1, 2 * 10**decimals)
    return p - h, p + h


def _count_bounds(m: int, interval: tuple[Fraction, Fraction] | None) -> tuple[int, int]:
    """Counts c in 0..m whose share 100*c/m lies in the half-open interval."""
    if interval is None or m == 0:
        return 0, m
    lo, hi = interval
    c_lo = math.ceil(lo * m / 100)
    c_hi = math.ceil(hi * m / 100) - 1
    return max(c_lo, 0), min(c_hi, m)


def _largest_remainder(m: int, weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if m <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = w / w.sum() * m
    base = np.floor(exact).astype(np.int64)
    short = m - int(base.sum())
    if short > 0:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:short]] += 1
    return base


def _quota(
    m: int, weights: Sequence[float], intervals: Sequence[tuple[Fraction, Fraction] | None] | None = None
) -> np.ndarray:
    """Integer counts summing to *m*, proportional to *weights*.

    Largest-remainder allocation; when *intervals* (per category a half-open
    percentage interval, or None) are given and can all be met for this *m*,
    counts are then moved one at a time (the one furthest from its exact share
    first) until every share ``100*c/m`` lies in its interval.  When they cannot
    all be met (small m) the plain largest-remainder counts are returned.
    """
    counts = _largest_remainder(m, weights)
    if intervals is None or m == 0:
        return counts
    bounds = np.array([_count_bounds(m, iv) for iv in intervals], dtype=np.int64)
    lo, hi = bounds[:, 0], bounds[:, 1]
    if (lo > hi).any() or lo.sum() > m or hi.sum() < m:
        return counts
    w = np.asarray(weights, dtype=float)
    exact = w / w.sum() * m
    c = np.clip(counts, lo, hi)
    while c.sum() < m:
        room = np.where(c < hi, exact - c, -np.inf)
        c[int(np.argmax(room))] += 1
    while c.sum() > m:
        room = np.where(c > lo, c - exact, -np.inf)
        c[int(np.argmax(room))] -= 1
    return c


def _printed_quota(m: int, printed: Sequence[float], decimals: int) -> np.ndarray:
    return _quota(m, printed, [_interval(p, decimals) for p in printed])


def _pick(m: int, target: float, interval: tuple[Fraction, Fraction] | None) -> int:
    """One count out of m near ``target`` (a share 0..1) inside the interval if possible."""
    c = int(round(target * m))
    lo, hi = _count_bounds(m, interval)
    if lo <= hi:
        c = min(max(c, lo), hi)
    return min(max(c, 0), m)


# --------------------------------------------------------------------------- assignment


def _fill(
    out: np.ndarray,
    idx: np.ndarray,
    counts: Sequence[int],
    score: np.ndarray,
    rng: np.random.Generator,
    unranked: Sequence[int] = (),
) -> None:
    """Hand out category codes to rows ``idx`` with exact ``counts``.

    Categories in ``unranked`` (weet_niet, geen_plan_bekend) go to random rows
    first; the remaining rows are sorted by descending ``score`` and get the
    other categories in code order (best answer first).
    """
    idx = rng.permutation(idx)
    pos = 0
    for k in unranked:
        out[idx[pos : pos + counts[k]]] = k
        pos += counts[k]
    rest = idx[pos:]
    rest = rest[np.argsort(-score[rest])]
    pos = 0
    for k in range(len(counts)):
        if k in unranked:
            continue
        out[rest[pos : pos + counts[k]]] = k
        pos += counts[k]


def _grade_list(c: int, mean: float) -> np.ndarray:
    """c integer grades 1..10, bell-shaped, whose mean rounds (half up) to *mean*.

    Deterministic: normal quantiles around a shifted centre (found by bisection)
    clipped to 1..10, then integerised by largest remainder to the target sum.
    Returned in ascending order.
    """
    if c == 0:
        return np.zeros(0, dtype=np.int64)
    lo_m, hi_m = _interval(mean, 1)
    lo, hi = math.ceil(lo_m * c), math.ceil(hi_m * c) - 1  # sums whose mean rounds to `mean`
    total = math.floor(Fraction(str(mean)) * c + Fraction(1, 2))
    if lo <= hi:
        total = min(max(total, lo), hi)
    total = min(max(total, c), 10 * c)
    z = ndtri((np.arange(c) + 0.5) / c)
    a, b = -20.0, 30.0
    for _ in range(80):
        mu = (a + b) / 2
        if np.clip(mu + GRADE_SD * z, 1, 10).sum() < total:
            a = mu
        else:
            b = mu
    x = np.clip((a + b) / 2 + GRADE_SD * z, 1, 10)
    g = np.floor(x).astype(np.int64)
    short = total - int(g.sum())
    frac = np.where(g < 10, x - g, -1.0)
    while short > 0:
        order = np.argsort(-frac, kind="stable")[:short]
        order = order[g[order] < 10]
        g[order] += 1
        short = total - int(g.sum())
        frac = np.where(g < 10, 0.0, -1.0)
    while short < 0:
        i = int(np.argmax(g))
        g[i] -= 1
        short += 1
    return np.sort(g)


def _iso_weeks(start: tuple[int, int], end: tuple[int, int]) -> list[str]:
    import datetime as dt

    d = dt.date.fromisocalendar(*start, 1)
    last = dt.date.fromisocalendar(*end, 1)
    weeks = []
    while d <= last:
        y, w, _ = d.isocalendar()
        weeks.append(f"{y}-W{w:02d}")
        d += dt.timedelta(days=7)
    return weeks


def _uuid4_strings(rng: np.random.Generator, n: int) -> pa.Array:
    """n random UUID4 strings from the seeded RNG (same as ``uuid.UUID(int=..., version=4)``).

    Built as bytes and handed to pyarrow without Python string objects.
    """
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexchars = np.empty((n, 32), dtype=np.uint8)
    hexchars[:, 0::2] = hexdigits[raw >> 4]
    hexchars[:, 1::2] = hexdigits[raw & 0x0F]
    del raw
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for (a, b), start in zip(((0, 8), (8, 12), (12, 16), (16, 20), (20, 32)), (0, 9, 14, 19, 24)):
        out[:, start : start + (b - a)] = hexchars[:, a:b]
    del hexchars
    arr = pa.FixedSizeBinaryArray.from_buffers(pa.binary(36), n, [None, pa.py_buffer(out)])
    return arr.cast(pa.binary()).cast(pa.large_string())


def _to_codes(values: np.ndarray, codes: Sequence[str]) -> pd.api.extensions.ExtensionArray:
    """Code indices (-1 = empty) -> pyarrow-backed string array (fast for millions of rows)."""
    values = np.asarray(values)
    mask = values < 0
    indices = pa.array(np.where(mask, 0, values).astype(np.int32), mask=mask)
    arr = pa.DictionaryArray.from_arrays(indices, pa.array(list(codes), type=pa.large_string()))
    return _strings(arr.cast(pa.large_string()))


def _strings(values) -> pd.api.extensions.ExtensionArray:
    """Text (None = empty) -> pyarrow-backed pandas string array."""
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(values, type=pa.large_string(), from_pandas=True)
    return pd.array(values, dtype=pd.StringDtype("pyarrow"))


# --------------------------------------------------------------------------- generate


def generate(n: int = DEFAULT_N, *, seed: int = DEFAULT_SEED, round_id: str = contract.DEMO_ROUND_ID) -> pd.DataFrame:
    """Calibrated synthetic responses as a canonical response frame.

    Parameters
    ----------
    n : int
        Number of respondents.  The default 1,523 reproduces every published
        2025 figure after rounding as printed; other sizes keep the proportions.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same frame.
    round_id : str
        Round id written in every row (default ``demo-synthetisch-2025``).

    Returns
    -------
    pandas.DataFrame
        The contract columns in order, canonical dtypes
        (:func:`analysis.frame.canonical_frame`).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = np.random.default_rng(seed)
    C = contract.CODES
    na = -1

    # --- structure: workers, respondent type, institution, week -----------------
    workers = np.repeat(np.arange(7), _quota(n, WORKER_COUNTS, [None] * 6 + [MORE_THAN_5]))
    workers = rng.permutation(workers)
    type_counts = _quota(n, [TYPE_COUNTS[t] for t in contract.RESPONDENT_TYPES])
    rtype = rng.permutation(np.repeat(np.arange(2), type_counts))  # 0 ouder, 1 jeugdige
    youth = rtype == 1
    gi = rng.permutation(
        np.repeat(np.arange(len(contract.GI_CODES)), _quota(n, [GI_WEIGHTS[g] for g in contract.GI_CODES]))
    )
    weeks = _iso_weeks(*FIELDWORK)
    t = np.arange(len(weeks))
    w_all = np.exp(-t / 9.0) + 0.6 * np.isin(t, (3, 4, 12, 13, 20))  # invitations + reminders
    wss_from = weeks.index(f"{WSS_START[0]}-W{WSS_START[1]:02d}")
    w_wss = np.where(t >= wss_from, np.exp(-(t - wss_from) / 4.0), 0.0)
    is_wss = gi == contract.GI_CODES.index("WSS")
    week = rng.choice(len(weeks), size=n, p=w_all / w_all.sum())
    week[is_wss] = rng.choice(len(weeks), size=int(is_wss.sum()), p=w_wss / w_wss.sum())

    # --- which optional items are left empty ------------------------------------
    shown = {col: (workers >= 1) if col in SHOWN_IF_WORKERS else np.ones(n, bool) for col in OPTIONAL_ITEMS}
    answered = {}
    for col in OPTIONAL_ITEMS:
        elig = np.flatnonzero(shown[col])
        k = int(round(rng.uniform(*NA_RATE) * len(elig)))
        mask = shown[col].copy()
        mask[rng.choice(elig, size=k, replace=False)] = False
        answered[col] = mask
    cols: dict[str, np.ndarray] = {c: np.full(n, na, dtype=np.int16) for c in OPTIONAL_ITEMS}

    # --- measure type (required, all respondents) -------------------------------
    measure = np.full(n, na, dtype=np.int16)
    mc = _printed_quota(n, *PRINTED["measure_type"])
    perm = rng.permutation(n)
    measure[perm[: mc[3]]] = 3  # weet_niet at random
    rest = perm[mc[3] :]
    youth_score = youth[rest] * 1.2 + rng.normal(size=len(rest))  # jeugdreclassering: mostly youths
    rest = rest[np.argsort(-youth_score)]
    measure[rest[: mc[0]]] = 0
    rest = rng.permutation(rest[mc[0] :])
    measure[rest[: mc[1]]] = 1
    measure[rest[mc[1] :]] = 2

    # --- had_gap: more workers -> more often a period without one ----------------
    gap_propensity = np.array([-1.5, -1.2, -0.5, 0.0, 0.5, 0.8, 1.3])
    gap_score = gap_propensity[workers] + rng.normal(size=n)
    idx = np.flatnonzero(answered["had_gap"])
    m = len(idx)
    gc = _quota(m, HAD_GAP_WEIGHTS, [HAD_GAP_JA_INTERVAL, None, None])
    _fill(cols["had_gap"], idx, gc, gap_score, rng, unranked=(2,))
    gap = cols["had_gap"]
    gap_ja = gap == 0

    # --- latent experience ---------------------------------------------------------
    grade_means = np.asarray(GRADE_MEANS)
    experience = rng.normal(size=n) + (grade_means[workers] - 4.8) / 2.0 - 0.8 * gap_ja + 0.3 * youth

    # grade: per worker group a fixed list with the printed mean, handed out by rank
    grade = np.zeros(n, dtype=np.int64)
    g_score = experience + 0.3 * rng.normal(size=n)
    for g in range(7):
        members = np.flatnonzero(workers == g)
        members = members[np.argsort(g_score[members])]
        grade[members] = _grade_list(len(members), GRADE_MEANS[g])

    # participation items go together through a shared factor
    participation = 0.8 * experience + 0.6 * rng.normal(size=n)
    for col in ("explained_at_start", "opinion_asked", "involved_in_decisions", "asked_life_domains", "asked_safety"):
        idx = np.flatnonzero(answered[col])
        counts = _printed_quota(len(idx), *PRINTED[col])
        unranked = (C[col].index("weet_niet"),) if "weet_niet" in C[col] else ()
        _fill(cols[col], idx, counts, participation + 0.9 * rng.normal(size=n), rng, unranked)

    # help_improves
    idx = np.flatnonzero(answered["help_improves"])
    _fill(
        cols["help_improves"],
        idx,
        _printed_quota(len(idx), *PRINTED["help_improves"]),
        experience + 0.7 * rng.normal(size=n),
        rng,
    )

    # say_in_plan: cells respondent type x (had_gap == ja)
    _say_in_plan(
        cols["say_in_plan"], answered["say_in_plan"], youth, gap_ja, participation + 0.5 * rng.normal(size=n), rng
    )

    # contact_one_on_one by respondent type
    contact_score = 0.5 * experience + rng.normal(size=n)
    for ti, t_code in enumerate(contract.RESPONDENT_TYPES):
        idx = np.flatnonzero(answered["contact_one_on_one"] & (rtype == ti))
        _fill(
            cols["contact_one_on_one"],
            idx,
            _printed_quota(len(idx), CONTACT_PRINTED[t_code], 0),
            contact_score,
            rng,
            unranked=(3,),
        )

    # quality items by gap group (nee, ja, weet_niet, empty)
    quality_factor = experience + 0.5 * rng.normal(size=n)
    for col, (p_nee, p_ja) in QUALITY_JA.items():
        item_score = quality_factor + 0.6 * rng.normal(size=n)
        groups = (
            (gap == 1, p_nee, QUALITY_BEETJE[0], col in QUALITY_PUBLISHED),
            (gap == 0, p_ja, QUALITY_BEETJE[1], col in QUALITY_PUBLISHED),
            ((gap == 2) | (gap == na), (p_nee + p_ja) / 2, sum(QUALITY_BEETJE) / 2, False),
        )
        for sel, p, beetje, pinned in groups:
            idx = np.flatnonzero(answered[col] & sel)
            m = len(idx)
            ja = _pick(m, p / 100, _interval(p, 0) if pinned else None)
            nb = int(round((m - ja) * beetje))
            _fill(cols[col], idx, [ja, nb, m - ja - nb], item_score, rng)

    # --- comments (~3 %): Dutch, no personal data -------------------------------
    comment_grade = np.full(n, None, dtype=object)
    comment_improve = np.full(n, None, dtype=object)
    k = int(round(COMMENT_RATE * n))
    who = rng.choice(n, size=k, replace=False)
    kind = rng.integers(0, 3, size=k)  # 0 grade only, 1 improve only, 2 both
    has_grade = who[kind != 1]
    band = np.where(grade[has_grade] <= 4, "low", np.where(grade[has_grade] <= 6, "mid", "high"))
    for b in ("low", "mid", "high"):
        rows = has_grade[band == b]
        texts = np.array(COMMENTS_GRADE[b], dtype=object)
        comment_grade[rows] = texts[rng.integers(0, len(texts), size=len(rows))]
    has_improve = who[kind != 0]
    texts = np.array(COMMENTS_IMPROVE, dtype=object)
    comment_improve[has_improve] = texts[rng.integers(0, len(texts), size=len(has_improve))]

    # --- ids ----------------------------------------------------------------------
    ids = _uuid4_strings(rng, n)
    while pc.count_distinct(ids).as_py() != n:  # 122 random bits: practically never
        ids = _uuid4_strings(rng, n)

    data = {
        "response_id": _strings(ids),
        "round_id": _to_codes(np.zeros(n, dtype=np.int32), [round_id]),
        "gi": _to_codes(gi, contract.GI_CODES),
        "respondent_type": _to_codes(rtype, contract.RESPONDENT_TYPES),
        "submitted_week": _to_codes(week, weeks),
        "measure_type": _to_codes(measure, C["measure_type"]),
        "n_workers": pd.array(workers, dtype="Int64"),
        "grade": pd.array(grade, dtype="Int64"),
        "comment_grade": _strings(comment_grade),
        "comment_improve": _strings(comment_improve),
    }
    for col in OPTIONAL_ITEMS:
        data[col] = _to_codes(cols[col], C[col])
    del cols, answered, shown
    # Built directly in the canonical shape (columns in order, pyarrow strings
    # without blanks, Int64): canonical_frame() would copy every column, which
    # doubles the memory for millions of rows.  tests/test_sample_data.py checks
    # that canonical_frame(generate()) equals generate().
    return pd.DataFrame({c: data.pop(c) for c in contract.COLUMNS})


def _say_in_plan(
    out: np.ndarray,
    answered: np.ndarray,
    youth: np.ndarray,
    gap_ja: np.ndarray,
    score: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """say_in_plan with exact "nee" quotas overall, among youths and among had_gap=ja.

    Cells: youth x gap (YJ), youth x no gap (YO), parent x gap (PJ), parent x no gap (PO).
    With N = nee overall, Ny = nee among youths, Nj = nee among gap=ja and x = nee
    in YJ, the other cells follow: YO = Ny - x, PJ = Nj - x, PO = N - Ny - Nj + x.
    x is chosen near 40 % of YJ inside the range that keeps every cell feasible.
    geen_plan_bekend (16 % overall) is spread over the cells in proportion to
    their non-"nee" rows; the rest is "ja".
    """
    cells = [
        np.flatnonzero(answered & y & j)
        for y, j in ((youth, gap_ja), (youth, ~gap_ja), (~youth, gap_ja), (~youth, ~gap_ja))
    ]
    A = np.array([len(c) for c in cells])
    a_all, a_y, a_j = int(A.sum()), int(A[0] + A[1]), int(A[0] + A[2])
    N = _pick(a_all, SAY_NEE_ALL / 100, _interval(SAY_NEE_ALL, 0))
    Ny = _pick(a_y, SAY_NEE_YOUTH / 100, _interval(SAY_NEE_YOUTH, 0))
    Nj = _pick(a_j, SAY_NEE_GAP / 100, _interval(SAY_NEE_GAP, 0))
    x_lo = max(0, Ny - A[1], Nj - A[2], Ny + Nj - N)
    x_hi = min(A[0], Ny, Nj, A[3] - N + Ny + Nj)
    if x_lo <= x_hi:
        x = min(max(int(round(SAY_NEE_YOUTH_GAP * A[0])), x_lo), x_hi)
        nee = np.array([x, Ny - x, Nj - x, N - Ny - Nj + x])
    else:  # tiny samples: plain rates per cell
        rates = np.array([SAY_NEE_YOUTH_GAP, 0.225, 0.60, 0.425])
        nee = np.round(rates * A).astype(np.int64)
    G = _pick(a_all, SAY_UNKNOWN / 100, _interval(SAY_UNKNOWN, 0))
    free = A - nee
    unknown = np.minimum(_largest_remainder(G, free * np.array([1.3, 1.3, 1.0, 1.0])), free)
    for cell, nn, gg, aa in zip(cells, nee, unknown, A):
        _fill(out, cell, [int(aa - nn - gg), int(nn), int(gg)], score, rng, unranked=(2,))


# --------------------------------------------------------------------------- writing


def write_sample(
    path: str | Path, *, n: int = DEFAULT_N, seed: int = DEFAULT_SEED, round_id: str = contract.DEMO_ROUND_ID
) -> Path:
    """Generate and write synthetic responses; format from the extension.

    ``.csv``: UTF-8, comma, contract column order, empty cell = not answered.
    Other extensions (``.xlsx``, ``.parquet``, ``.sav``) go through
    :func:`analysis.io.write_responses`.
    """
    path = Path(path)
    df = generate(n, seed=seed, round_id=round_id)
    if path.suffix.lower() == ".csv":
        df.to_csv(path, index=False)
    else:
        from analysis.io import write_responses

        write_responses(df, path)
    return path


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Write calibrated synthetic responses (demo data).")
    p.add_argument("path")
    p.add_argument("--n", type=int, default=DEFAULT_N)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = p.parse_args(argv)
    print(write_sample(a.path, n=a.n, seed=a.seed))


if __name__ == "__main__":
    main()
