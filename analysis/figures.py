"""Figure registry: one :class:`FigureResult` per figure id of data contract v1.

``compute_figures(df)`` returns the figures of the inspection report (contract
section 3, ``contract.FIGURE_IDS``, in that order) computed on an already
filtered response frame; ``compute_text_statistics(df)`` returns the extra
numbers the report text quotes (share with 4 or more workers, no say in the
plan among youths and among those who had a period without a worker).

Kinds and table columns are those of ``docs/architecture.md`` and
:mod:`analysis.stats`; ``share`` is an extra kind for a single percentage.

Anonymity: every grouped figure (``grade_by_workers``,
``worker_qualities_by_gap``, ``contact_one_on_one`` and the two
``say_in_plan_by_*`` text statistics) gets primary and secondary suppression
from :mod:`analysis.stats` (:func:`analysis.stats.secondary_suppression`):
their groups split a population whose total is shown too (``say_in_plan``,
the overall mean grade of the key numbers), so no hidden group may follow
by subtraction.  The trend tests of ``grade_by_workers`` are computed over
the shown groups only.  A ``share`` adds up categories of a distribution
that is shown on the same base, so it reveals nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import contract, i18n, stats

#: had_gap groups of worker_qualities_by_gap: never without a worker, had a gap.
GAP_GROUPS = ("nee", "ja")
#: respondent_type groups of contact_one_on_one (youths first, as in the report text).
CONTACT_GROUPS = ("jeugdige", "ouder")
#: n_workers codes counted as "4 or more workers".
FOUR_OR_MORE = (4, 5, 6)


@dataclass
class FigureResult:
    """One computed figure.

    Attributes
    ----------
    id : str
        Figure id (``contract.FIGURE_IDS`` or ``TEXT_STATISTIC_IDS``).
    kind : str
        ``distribution``, ``distribution_by_group``, ``mean_by_group``,
        ``pct_by_group`` or ``share``.
    base_n : int
        Respondents in the figure's base (after filters).
    table : pandas.DataFrame
        The tidy table of :mod:`analysis.stats` for this kind.
    tests : dict or None
        grade_by_workers: ``{"kruskal_wallis": {"statistic", "p_value"},
        "spearman": {"rho", "p_value"}, "jonckheere_terpstra": {"statistic",
        "p_value", "j"}}`` (JT statistic = standardized z, ``j`` = raw J),
        computed over the shown (not suppressed) groups only; None when
        fewer than 2 groups are shown.  None for other figures.
    title, title_en : str
        Dutch (B1) and English titles (contract section 3), from the catalog
        (``figures.title.<id>``, :mod:`analysis.i18n`).
    items : tuple of str
        The questionnaire item ids (contract columns) the figure is about.
    group_n : dict or None
        For grouped figures: the base n of each group (always shown).
    min_cell : int
        The suppression threshold used.
    group_column : str or None
        For grouped figures: the contract column that defines the groups
        (``n_workers``, ``had_gap`` or ``respondent_type``).
    base_n_below : int or None
        From the protected table (:mod:`analysis.protection`): ``base_n`` is
        None when the figure is hidden; ``base_n_below`` is None too (a small
        base and one hidden to protect another look the same).  Hidden groups
        have ``group_n`` None and rows with ``n`` and ``n_below`` (a table
        column) null.
    """

    id: str
    kind: str
    base_n: int
    table: pd.DataFrame
    tests: dict | None = None
    title: str = ""
    title_en: str = ""
    items: tuple[str, ...] = ()
    group_n: dict[str, int] | None = None
    min_cell: int = contract.DEFAULT_MIN_CELL
    group_column: str | None = field(default=None)
    base_n_below: int | None = None

    @property
    def suppressed(self) -> bool:
        """True when the whole figure is suppressed (base below ``min_cell``, or hidden: ``base_n`` None)."""
        return self.base_n is None or self.base_n < self.min_cell


#: Catalog key prefix of the figure titles (``figures.title.<figure id>``).
TITLE_KEY = "figures.title."

FIGURE_KINDS: dict[str, str] = {
    **{fid: "distribution" for fid in contract.DISTRIBUTION_FIGURES},
    "grade_by_workers": "mean_by_group",
    "worker_qualities_by_gap": "pct_by_group",
    "contact_one_on_one": "distribution_by_group",
}
TEXT_STATISTIC_IDS = (
    "n_workers_4_or_more",
    "n_workers_more_than_5",
    "say_in_plan_by_respondent_type",
    "say_in_plan_by_gap",
)
TEXT_STATISTIC_KINDS = {
    "n_workers_4_or_more": "share",
    "n_workers_more_than_5": "share",
    "say_in_plan_by_respondent_type": "distribution_by_group",
    "say_in_plan_by_gap": "distribution_by_group",
}


def _answered(df: pd.DataFrame, column: str) -> np.ndarray:
    return pd.notna(stats.category_labels(df, column))  # labels are text or None


def _result(
    fid: str,
    kind: str,
    base_n: int,
    table: pd.DataFrame,
    min_cell: int,
    *,
    items: tuple[str, ...],
    tests=None,
    group_n=None,
    group_column=None,
) -> FigureResult:
    title, title_en = i18n.text(TITLE_KEY + fid, "nl"), i18n.text(TITLE_KEY + fid, "en")
    if base_n < min_cell and len(table):
        # Figure-level suppression (contract section 2).  Implied by the group
        # rule (every group base <= figure base), enforced here all the same.
        table = table.copy()
        for c in ("pct", "mean", "sd", "ci_low", "ci_high"):
            if c in table.columns:
                table[c] = np.nan
        if kind in ("distribution", "distribution_by_group"):
            table["n"] = pd.array([pd.NA] * len(table), dtype="Int64")
        if "n_positive" in table.columns:
            table["n_positive"] = pd.array([pd.NA] * len(table), dtype="Int64")
        table["suppressed"] = True
        table["indicative"] = False
    return FigureResult(
        id=fid,
        kind=kind,
        base_n=int(base_n),
        table=table,
        tests=tests,
        title=title,
        title_en=title_en,
        items=items,
        group_n=group_n,
        min_cell=min_cell,
        group_column=group_column,
    )


def _distribution_figure(column: str) -> Callable[[pd.DataFrame, int], FigureResult]:
    def compute(df: pd.DataFrame, min_cell: int) -> FigureResult:
        table = stats.distribution(df, column=column, min_cell=min_cell)
        return _result(column, "distribution", int(_answered(df, column).sum()), table, min_cell, items=(column,))

    return compute


def grade_by_workers(df: pd.DataFrame, min_cell: int = contract.DEFAULT_MIN_CELL) -> FigureResult:
    """Mean grade per number of workers (groups "0".."5", "meer_dan_5") with trend tests.

    Base: respondents with both ``n_workers`` and ``grade`` answered.  Groups
    get primary and secondary suppression (:func:`analysis.stats.mean_by_group`):
    the overall mean grade is shown as a key number, so a single hidden group
    would otherwise follow by subtraction.  The tests (Kruskal-Wallis,
    Spearman, Jonckheere-Terpstra; see :func:`analysis.stats.trend_tests`)
    are computed over the shown groups only, and are None when fewer than 2
    groups are shown (also when every group is suppressed).
    """
    table = stats.mean_by_group(df, value="grade", group="n_workers", min_cell=min_cell)
    r = stats.trend_results(df, value="grade", group="n_workers", min_cell=min_cell)
    base = int(table["n"].sum())
    tests = None
    if r["n_groups"] >= 2 and r["n"] >= min_cell:
        tests = {k: r[k] for k in stats.TREND_TESTS}
    group_n = {g: int(n) for g, n in zip(table["group"], table["n"])}
    return _result(
        "grade_by_workers",
        "mean_by_group",
        base,
        table,
        min_cell,
        items=("grade", "n_workers"),
        tests=tests,
        group_n=group_n,
        group_column="n_workers",
    )


def worker_qualities_by_gap(df: pd.DataFrame, min_cell: int = contract.DEFAULT_MIN_CELL) -> FigureResult:
    """Share "ja" for every quality_* item, for had_gap = "nee" vs "ja".

    Respondents with had_gap ``weet_niet`` or empty are left out; the base is
    the number of respondents in the two groups.
    """
    table = stats.pct_by_group(
        df, items=contract.QUALITY_ITEMS, group="had_gap", positive="ja", groups=GAP_GROUPS, min_cell=min_cell
    )
    gap = stats.category_labels(df, "had_gap")
    group_n = {g: int(np.sum(gap == g)) for g in GAP_GROUPS}
    return _result(
        "worker_qualities_by_gap",
        "pct_by_group",
        sum(group_n.values()),
        table,
        min_cell,
        items=(*contract.QUALITY_ITEMS, "had_gap"),
        group_n=group_n,
        group_column="had_gap",
    )


def _grouped_distribution(fid: str, column: str, group: str, groups) -> Callable:
    def compute(df: pd.DataFrame, min_cell: int) -> FigureResult:
        table = stats.distribution_by_group(df, column=column, group=group, groups=groups, min_cell=min_cell)
        group_n = stats.group_bases(df, column=column, group=group, groups=groups)
        return _result(
            fid,
            "distribution_by_group",
            sum(group_n.values()),
            table,
            min_cell,
            items=(column, group),
            group_n=group_n,
            group_column=group,
        )

    return compute


def contact_one_on_one(df: pd.DataFrame, min_cell: int = contract.DEFAULT_MIN_CELL) -> FigureResult:
    """Contact one-on-one by respondent type (groups "jeugdige", "ouder")."""
    return _grouped_distribution("contact_one_on_one", "contact_one_on_one", "respondent_type", CONTACT_GROUPS)(
        df, min_cell
    )


def _share_figure(fid: str, column: str, values) -> Callable:
    def compute(df: pd.DataFrame, min_cell: int) -> FigureResult:
        table = stats.share(df, column=column, values=values, min_cell=min_cell)
        return _result(fid, "share", int(table["n"].iloc[0]), table, min_cell, items=(column,))

    return compute


#: figure id -> compute(df, min_cell)
REGISTRY: dict[str, Callable[[pd.DataFrame, int], FigureResult]] = {
    **{fid: _distribution_figure(fid) for fid in contract.DISTRIBUTION_FIGURES},
    "grade_by_workers": grade_by_workers,
    "worker_qualities_by_gap": worker_qualities_by_gap,
    "contact_one_on_one": contact_one_on_one,
}
TEXT_REGISTRY: dict[str, Callable[[pd.DataFrame, int], FigureResult]] = {
    "n_workers_4_or_more": _share_figure("n_workers_4_or_more", "n_workers", FOUR_OR_MORE),
    "n_workers_more_than_5": _share_figure("n_workers_more_than_5", "n_workers", (6,)),
    "say_in_plan_by_respondent_type": _grouped_distribution(
        "say_in_plan_by_respondent_type", "say_in_plan", "respondent_type", CONTACT_GROUPS
    ),
    "say_in_plan_by_gap": _grouped_distribution(
        "say_in_plan_by_gap", "say_in_plan", "had_gap", contract.CODES["had_gap"]
    ),
}
assert set(REGISTRY) == set(contract.FIGURE_IDS)


def _protected_view(df: pd.DataFrame, filters, min_cell: int):
    from .protection import protect  # circular: protection imports figures

    return protect(df, min_cell=min_cell).view(filters)


def compute_figure(
    df: pd.DataFrame, figure_id: str, *, min_cell: int = contract.DEFAULT_MIN_CELL, filters=None
) -> FigureResult:
    """Compute one figure (a contract figure id or a text statistic id).

    With ``filters`` (a dict, ``{}`` for no filter): ``df`` is the whole data
    set and the figure is read from its protected table
    (:mod:`analysis.protection`), so it hides what every other view hides.
    Without ``filters`` (the old call, kept until every caller passes the
    whole data set): ``df`` is an already filtered frame and suppression is
    computed on it alone, which does not protect across views.
    """
    if filters is not None:
        return _protected_view(df, filters, min_cell).figure(figure_id)
    min_cell = contract.check_min_cell(min_cell)
    if figure_id in REGISTRY:
        return REGISTRY[figure_id](df, min_cell)
    if figure_id in TEXT_REGISTRY:
        return TEXT_REGISTRY[figure_id](df, min_cell)
    raise ValueError(f"unknown figure id {figure_id!r}; known: {', '.join(contract.FIGURE_IDS + TEXT_STATISTIC_IDS)}")


def compute_figures(df: pd.DataFrame, *, min_cell: int = contract.DEFAULT_MIN_CELL, filters=None) -> list[FigureResult]:
    """Every contract figure (``contract.FIGURE_IDS``, in that order).

    With ``filters`` (``{}`` for none): ``df`` is the whole data set and the
    figures come from its protected table (see :func:`compute_figure`).
    Without: the old call on an already filtered frame.
    """
    if filters is not None:
        return _protected_view(df, filters, min_cell).figures()
    return [compute_figure(df, fid, min_cell=min_cell) for fid in contract.FIGURE_IDS]


def compute_text_statistics(
    df: pd.DataFrame, *, min_cell: int = contract.DEFAULT_MIN_CELL, filters=None
) -> list[FigureResult]:
    """The extra numbers quoted in the report text (``TEXT_STATISTIC_IDS``, in order).

    * ``n_workers_4_or_more``: share with 4, 5 or more than 5 workers.
    * ``n_workers_more_than_5``: share with more than 5 workers.
    * ``say_in_plan_by_respondent_type``: say_in_plan for youths and parents
      (the report quotes "nee" among youths).
    * ``say_in_plan_by_gap``: say_in_plan per had_gap answer (the report
      quotes "nee" among those with had_gap = "ja").

    "Had a gap" and "does not know a plan exists" are rows of the had_gap and
    say_in_plan figures.

    The two ``say_in_plan_by_*`` tables split the ``say_in_plan`` figure, so
    they get secondary suppression (a hidden group would otherwise be
    ``say_in_plan`` minus the shown groups); the shares need none (they are
    sums of rows of the ``n_workers`` figure, on the same base).

    With ``filters`` (``{}`` for none) they come from the protected table of
    the whole data set ``df`` (see :func:`compute_figure`).
    """
    if filters is not None:
        return _protected_view(df, filters, min_cell).text_statistics()
    return [compute_figure(df, fid, min_cell=min_cell) for fid in TEXT_STATISTIC_IDS]
