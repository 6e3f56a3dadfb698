"""Which free-text comments a reader may see: one rule, used by the Opmerkingen page.

:func:`comments_for` takes the filtered responses and the reader's selection
and returns a :class:`CommentsResult`: the comments to show, or why none are
shown.  The rule (issue 9, item 4):

1. **The selection is large enough**: fewer than ``min_cell`` respondents in
   the filtered frame shows nothing.
2. **Every selected part is large enough**: each value chosen in a filter
   (each selected institution, respondent type, measure type and round) must
   hold at least ``min_cell`` respondents inside the selection; otherwise
   nothing is shown.  So the comments of {large institution, small
   institution} are hidden, and subtracting those of {large institution}
   from them gives nothing.
3. **Comments only come from large cells**: the respondents are split into
   cells by round x institution x respondent type x measure type (a missing
   value is a cell value of its own).  Comments of a cell with fewer than
   ``min_cell`` respondents are never shown, in any selection.  Every
   selection a filter can make is a union of whole cells, so any sum or
   difference of selections is again a union of cells: no combination of
   views isolates a group under the minimum (Hundepool et al. 2012,
   *Statistical Disclosure Control*, Wiley, section 5.4 on linked tables).
   The page says that comments of small groups were left out, not how many.
4. **A search must match at least ``min_cell`` respondents**; a search that
   matches fewer (also none) shows nothing, so "who wrote X" cannot be asked.
5. **Without other answers**: the comments are shown as text only (the
   question they answer and the comment, sorted by text, so that the two
   comments of one respondent cannot be paired).  Only the role
   ``inspecteur`` also sees the institution and the grade next to each
   comment, in the frame's (random ``response_id``) order.

The text is scrubbed on the way out (:func:`analysis.scrub.scrub_text`) and
the search runs on the scrubbed text.  Pure: no streamlit, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from . import contract, i18n, wording
from .scrub import scrub_text

#: the filter dimensions whose cells must each reach the minimum (rule 3)
CELL_DIMENSIONS = ("round_id", "gi", "respondent_type", "measure_type")
#: the role that sees the institution and the grade next to each comment (rule 5)
WITH_ANSWERS_ROLE = "inspecteur"

SHOWN = "shown"
SELECTION_TOO_SMALL = "selection_too_small"
PART_TOO_SMALL = "part_too_small"
SEARCH_TOO_FEW = "search_too_few"
STATUSES = (SHOWN, SELECTION_TOO_SMALL, PART_TOO_SMALL, SEARCH_TOO_FEW)

#: Catalog key of the reader's message for each status (headers: ``privacy.comments.column.<name>``)
STATUS_KEYS = {
    SELECTION_TOO_SMALL: "privacy.comments.selection_too_small",
    PART_TOO_SMALL: "privacy.comments.part_too_small",
    SEARCH_TOO_FEW: "privacy.comments.search_too_few",
}
COLUMN_KEY = "privacy.comments.column."


@dataclass(frozen=True)
class CommentsResult:
    """What the reader may see.  ``table`` is empty unless ``status`` is ``shown``.

    ``n_respondents``: respondents in the selection (shown anyway as the
    selection's base n); ``n_comments``: rows of ``table``; ``parts``: the
    selected filter parts ``(filter, value)`` under the minimum (their size
    is not given); ``left_out``: comments of cells under the minimum were
    left out; ``with_answers``: ``table`` has the institution and grade.
    """

    table: pd.DataFrame
    status: str
    n_respondents: int
    n_comments: int
    min_cell: int
    parts: tuple[tuple[str, str], ...] = ()
    left_out: bool = False
    with_answers: bool = False

    @property
    def shown(self) -> bool:
        return self.status == SHOWN

    def message(self, lang: str = "nl") -> str:
        """One sentence for the reader: what is shown, or why nothing is."""
        if self.status == SHOWN:
            return i18n.text(
                "privacy.comments.count",
                lang,
                comments=i18n.text("count.comments", lang, count=self.n_comments),
                respondents=i18n.text("count.respondents", lang, count=self.n_respondents),
            )
        if self.status == PART_TOO_SMALL:
            names = ", ".join(_part_label(f, v, lang) for f, v in self.parts)
            return i18n.text(STATUS_KEYS[PART_TOO_SMALL], lang, parts=names, min_cell=self.min_cell)
        return i18n.text(STATUS_KEYS[self.status], lang, min_cell=self.min_cell)

    def notes(self, lang: str = "nl") -> list[str]:
        """Further sentences: comments of small groups left out; answers shown or not."""
        out = []
        if self.shown and self.left_out:
            out.append(i18n.text("privacy.comments.left_out", lang, min_cell=self.min_cell))
        if self.shown:
            key = "privacy.comments.with_answers" if self.with_answers else "privacy.comments.text_only"
            out.append(i18n.text(key, lang))
        return out


def _part_label(column: str, value: str, lang: str) -> str:
    if column in ("respondent_type", "measure_type"):
        value = wording.category_label(column, value, lang)
    return f"{wording.variable_label(column, lang)}: {value}"


def _selected_parts(selection: Mapping[str, Sequence[str] | str | None] | None) -> list[tuple[str, str]]:
    parts = []
    for column, values in (selection or {}).items():
        if values is None:
            continue
        if isinstance(values, str):
            values = [values]
        parts.extend((column, str(v)) for v in dict.fromkeys(values))
    return parts


def small_cell_rows(df: pd.DataFrame, *, min_cell: int) -> pd.Series:
    """True for each respondent whose cell (round x institution x respondent type x measure type) is under ``min_cell``."""
    dims = [c for c in CELL_DIMENSIONS if c in df.columns]
    if df.empty or not dims:
        return pd.Series(False, index=df.index)
    keys = df[dims].astype("string").fillna("\x00missing")
    size = keys.groupby(dims, dropna=False)[dims[0]].transform("size")
    return (size < min_cell).astype(bool)


def comments_for(
    df: pd.DataFrame,
    *,
    selection: Mapping[str, Sequence[str] | str | None] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    columns: Sequence[str] = contract.COMMENT_COLUMNS,
    search: str | None = None,
    role: str | None = None,
    lang: str = "nl",
    scrub: Callable[[str], str] = scrub_text,
) -> CommentsResult:
    """The comments a reader with ``role`` may see in the filtered frame ``df`` (see the module docstring).

    ``selection`` is the reader's filters (filter column -> chosen values, or
    ``None`` for "all"), ``df`` the responses those filters selected.
    Columns of ``table``: question, comment; for ``inspecteur`` question,
    institution, grade, comment (headers in ``lang``).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"gi": ["A"] * 12, "grade": [7] * 12,
    ...                    "comment_grade": ["Fijn"] * 11 + ["Goed"], "comment_improve": [None] * 12})
    >>> comments_for(df, selection={"gi": ["A"]}).table["Opmerking"].tolist()[-2:]
    ['Fijn', 'Goed']
    >>> comments_for(df, search="goed").status
    'search_too_few'
    """
    min_cell = contract.check_min_cell(min_cell)
    for c in columns:
        if c not in contract.COMMENT_COLUMNS:
            raise ValueError(f"{c!r} is not a comment column")
    with_answers = role == WITH_ANSWERS_ROLE
    names = ("question", "gi", "grade", "comment") if with_answers else ("question", "comment")
    heads = [i18n.text(COLUMN_KEY + k, lang) for k in names]
    empty = pd.DataFrame({h: pd.Series(dtype="string") for h in heads})
    n = len(df)

    def nothing(status: str, parts: tuple = ()) -> CommentsResult:
        return CommentsResult(empty, status, n, 0, min_cell, parts=parts, with_answers=with_answers)

    if n < min_cell:
        return nothing(SELECTION_TOO_SMALL)
    small_parts = []
    for column, value in _selected_parts(selection):
        if column not in df.columns:
            raise ValueError(f"{column!r} is not a column of the responses")
        size = int((df[column].astype("string") == value).fillna(False).sum())
        if 0 < size < min_cell:
            small_parts.append((column, value))
    if small_parts:
        return nothing(PART_TOO_SMALL, tuple(small_parts))

    small = small_cell_rows(df, min_cell=min_cell)
    kept = df.loc[~small]
    parts = []
    matched = pd.Series(False, index=kept.index)
    for c in columns:
        raw = kept[c].astype("string")
        has = (raw.notna() & (raw.str.strip() != "")).fillna(False).astype(bool)
        text = raw[has].astype(object).map(scrub)
        if search:
            hit = text.str.contains(search, case=False, regex=False).fillna(False).astype(bool)
            text = text[hit]
            matched.loc[text.index] = True
        part = {"question": wording.variable_label(c, lang), "comment": text.to_numpy()}
        if with_answers:
            part["gi"] = kept.loc[text.index, "gi"].astype("string").fillna("").to_numpy()
            part["grade"] = kept.loc[text.index, "grade"].astype("Int64").astype("string").fillna("").to_numpy()
        frame = pd.DataFrame({k: part[k] for k in names}, index=range(len(text)))
        if not with_answers:  # sorted by text: the two comments of one respondent cannot be paired
            frame = frame.sort_values("comment", key=lambda s: s.str.casefold(), kind="stable")
        parts.append(frame)
    if search and int(matched.sum()) < min_cell:
        return nothing(SEARCH_TOO_FEW)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(names))
    table.columns = heads
    table = table.astype("string")
    return CommentsResult(table, SHOWN, n, len(table), min_cell, left_out=bool(small.any()), with_answers=with_answers)
