"""The published 2025 inspection figures and the ``reproduce`` comparison.

``analysis/data/published_2025.yaml`` is a copy of
``shared/reference/inspectie-2025-published-figures.yaml``: the aggregates the
inspections printed (real microdata are not public).  :func:`compare_to_published`
computes every one of them on a response frame with the project's own
statistics (:mod:`analysis.figures`, :mod:`analysis.stats`) and says per number
whether it matches.

Rounding
--------
A computed value matches when, rounded *half up* to the decimals the value was
printed with, it equals the printed value.  Half up (40.95 -> 41.0, 2.25 -> 2.3)
is what people and spreadsheets do; Python's ``round`` rounds half to even and
works on the binary value.  Before rounding, float noise below 1e-9 is removed
(``round(x, 9)``), so a share that is exactly 40.95 but is stored as
40.949999999999996 still rounds to 41.0.  Counts (decimals 0, e.g. respondents)
must be equal.

Notes on the published text:

* fig8 (``help_improves``) sums to 101 % through rounding; each share is
  compared on its own.
* fig7 group "4" (mean 2.3) is compared as printed, although it is out of line
  with its neighbours.
* ``had_period_without_worker_at_least_pct`` is "ten minste 31 %": it matches
  when the share is at least 31 and rounds to 31.
* ``more_than_five_workers`` is printed as "bijna een kwart"; the YAML notes
  345/1523 = 22.7 %, which is compared (one decimal).

References
----------
Inspectie Gezondheidszorg en Jeugd, Inspectie Justitie en Veiligheid (2025).
Overkoepelend rapport toezicht gecertificeerde instellingen 2024-2025,
hoofdstukken 1-4.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import contract
from .wording import round_half_up_decimal

PUBLISHED_PATH = Path(__file__).parent / "data" / "published_2025.yaml"
COMPARE_COLUMNS = ("figure", "key", "published", "computed", "computed_rounded", "decimals", "match")

#: fig9 labels in the YAML -> quality items
QUALITY_KEYS = {
    "voldoende_tijd_en_aandacht": "quality_time_attention",
    "begripvol": "quality_understanding",
    "respectvol": "quality_respectful",
}
#: text statistics printed in words -> (value, decimals) from the YAML comment
TEXT_VALUES = {"more_than_five_workers": (22.7, 1)}  # "bijna een kwart": 345/1523 = 22.7 %
#: text statistics that are a lower bound ("ten minste")
AT_LEAST = {"had_period_without_worker_at_least_pct"}
#: figure key in the YAML -> contract figure id (plain distributions)
DISTRIBUTION_KEYS = {
    "fig1_measure_type": "measure_type",
    "fig2_explained_at_start": "explained_at_start",
    "fig3_opinion_asked": "opinion_asked",
    "fig4_involved_in_decisions": "involved_in_decisions",
    "fig5_asked_life_domains": "asked_life_domains",
    "fig6_asked_safety": "asked_safety",
    "fig8_help_improves": "help_improves",
}


def load_published(path: str | Path | None = None) -> dict:
    """The published figures as a dict (the YAML as loaded).

    Parameters
    ----------
    path : str or Path, optional
        Default ``analysis/data/published_2025.yaml``.
    """
    with open(path or PUBLISHED_PATH, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round half up (away from zero at .5) after removing float noise below 1e-9.

    The float form of :func:`analysis.wording.round_half_up_decimal`, the one
    rounding the displays use too, so a match here is what a table shows.

    >>> round_half_up(40.95, 1), round_half_up(2.25, 1), round_half_up(42.5)
    (41.0, 2.3, 43.0)

    NaN stays NaN.
    """
    if value is None or pd.isna(value):
        return float("nan")
    return float(round_half_up_decimal(value, decimals))


def printed_decimals(value: Any) -> int:
    """Decimals a number was printed with: 0 for an int (41), 1 for 9.1, 1 for 59.0."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("not a number")
    if isinstance(value, (int, np.integer)):
        return 0
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".", 1)[1])


# --------------------------------------------------------------------------- computing


def _pct(table: pd.DataFrame, category: str, group: str | None = None) -> float:
    sel = table["category"].astype(str) == str(category)
    if group is not None:
        sel &= table["group"].astype(str) == str(group)
    row = table.loc[sel]
    if len(row) != 1:
        raise KeyError(f"no single row for category {category!r} group {group!r}")
    return float(row["pct"].iloc[0])


def _row(
    figure: str, key: str, published: Any, computed: float, decimals: int | None = None, at_least: bool = False
) -> dict:
    pub = float(published)
    dec = printed_decimals(published) if decimals is None else decimals
    comp = float("nan") if computed is None or pd.isna(computed) else float(computed)
    rounded = round_half_up(comp, dec)
    match = bool(not np.isnan(rounded) and rounded == round_half_up(pub, dec))
    if at_least:
        match = match and comp >= pub
    return {
        "figure": figure,
        "key": key,
        "published": pub,
        "computed": comp,
        "computed_rounded": rounded,
        "decimals": dec,
        "match": match,
    }


def compare_to_published(
    df: pd.DataFrame, *, published: dict | None = None, min_cell: int = contract.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Compute every published 2025 number on the whole of ``df`` and compare it, as printed.

    The numbers are read from the protected table of ``df`` (the selection
    "all"): :func:`compare_view` of ``protect(df, min_cell=min_cell).view({})``.
    For a file on its own (``survey-app reproduce``, the sample data); the
    dashboards read a view of their one global table with :func:`compare_view`.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame (the whole round, unfiltered, to compare with
        the report).
    published : dict, optional
        The published figures (default :func:`load_published`).
    min_cell : int
        Minimum group size (at least 10); a hidden value is NaN and never matches.

    Returns
    -------
    pandas.DataFrame
        As :func:`compare_view`.
    """
    from .protection import protect  # circular: protection -> views -> reference

    return compare_view(protect(df, min_cell=min_cell).view({}), published=published)


def compare_view(view, *, published: dict | None = None) -> pd.DataFrame:
    """Every published 2025 number read from one view of a protected table, compared as printed.

    Parameters
    ----------
    view : analysis.protection.ProtectedView
        The selection to compare (e.g. one round of the dashboards' one
        protected table, ``ProtectedData.view({"round_id": R})``).  Every
        computed number is a number of this view (its respondents, key
        numbers, figures and text statistics); a value the view hides is NaN
        and never matches.  Nothing is computed outside the view.
    published : dict, optional
        The published figures (default :func:`load_published`).

    Returns
    -------
    pandas.DataFrame
        One row per published number, columns ``figure, key, published,
        computed, computed_rounded, decimals, match``.  ``figure`` is the key
        in the YAML (``respondents``, ``fig1_measure_type`` .. ``fig9_...``,
        ``text_statistics``); ``key`` names the number within it (a category,
        ``"<group>.mean"`` / ``"<group>.n"`` for fig7, ``"<quality>.no_gap"`` /
        ``".gap"`` for fig9, ``"<statistic>[.<category>]"`` for the text).
        ``computed`` has full precision; ``computed_rounded`` is rounded half
        up to ``decimals`` (see the module docstring).
    """
    pub = load_published() if published is None else published
    figs = {f.id: f for f in view.figures()}
    text = {f.id: f for f in view.text_statistics()}
    rows: list[dict] = []

    # respondents
    resp = pub["respondents"]
    kn = view.key_numbers().set_index("key")
    type_n = {t: kn.loc[t, "value"] for t in contract.RESPONDENT_TYPES}
    rows.append(_row("respondents", "total", resp["total"], view.respondents.n, 0))
    for t in contract.RESPONDENT_TYPES:
        if t in resp:
            rows.append(_row("respondents", t, resp[t], type_n.get(t), 0))

    pfig = pub["figures"]
    unknown = set(pfig) - set(DISTRIBUTION_KEYS) - {"fig7_grade_by_workers", "fig9_worker_qualities_by_gap"}
    if unknown:
        raise KeyError(f"published figures without a computation: {sorted(unknown)}")
    for fkey, fig in pfig.items():  # in the order of the YAML
        if fkey in DISTRIBUTION_KEYS:
            table = figs[DISTRIBUTION_KEYS[fkey]].table
            for cat, value in fig["percent"].items():
                rows.append(_row(fkey, str(cat), value, _pct(table, cat)))
        elif fkey == "fig7_grade_by_workers":  # mean grade and n per number of workers
            table = figs["grade_by_workers"].table.set_index("group")
            for label, mean, n in fig["rows"]:
                group = str(label).replace(" ", "_")
                rows.append(_row(fkey, f"{label}.mean", mean, table.at[group, "mean"]))
                rows.append(_row(fkey, f"{label}.n", n, table.at[group, "n"], 0))
        elif fkey == "fig9_worker_qualities_by_gap":  # % "ja" per quality, had_gap nee vs ja
            table = figs["worker_qualities_by_gap"].table
            for label, (no_gap, gap) in fig["percent_no_gap_vs_gap"].items():
                item = QUALITY_KEYS[label]
                for name, group, value in (("no_gap", "nee", no_gap), ("gap", "ja", gap)):
                    sel = (table["item"] == item) & (table["group"] == group)
                    rows.append(_row(fkey, f"{label}.{name}", value, table.loc[sel, "pct"].iloc[0]))

    # text statistics
    ts = pub.get("text_statistics", {})
    computed_text = {
        "had_period_without_worker_at_least_pct": lambda: _pct(figs["had_gap"].table, "ja"),
        "four_or_more_workers_pct": lambda: float(text["n_workers_4_or_more"].table["pct"].iloc[0]),
        "more_than_five_workers": lambda: float(text["n_workers_more_than_5"].table["pct"].iloc[0]),
        "does_not_know_if_plan_exists_pct": lambda: _pct(figs["say_in_plan"].table, "geen_plan_bekend"),
    }
    for key, value in ts.items():
        if key in ("youth_one_on_one_contact_pct", "parent_child_seen_alone_pct"):
            group = "jeugdige" if key.startswith("youth") else "ouder"
            for cat, v in value.items():
                rows.append(
                    _row("text_statistics", f"{key}.{cat}", v, _pct(figs["contact_one_on_one"].table, cat, group))
                )
        elif key == "no_say_in_plan_pct":
            sources = {
                "all": lambda: _pct(figs["say_in_plan"].table, "nee"),
                "jeugdige": lambda: _pct(text["say_in_plan_by_respondent_type"].table, "nee", "jeugdige"),
                "had_gap": lambda: _pct(text["say_in_plan_by_gap"].table, "nee", "ja"),
            }
            for sub, v in value.items():
                rows.append(_row("text_statistics", f"{key}.{sub}", v, sources[sub]()))
        elif key in computed_text:
            if key in TEXT_VALUES:
                v, dec = TEXT_VALUES[key]
            else:
                v, dec = value, None
            rows.append(_row("text_statistics", key, v, computed_text[key](), dec, at_least=key in AT_LEAST))
        else:
            raise KeyError(f"published text statistic {key!r} has no computation")

    out = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    out["decimals"] = out["decimals"].astype("int64")
    out["match"] = out["match"].astype(bool)
    return out
