"""Which free-text comments a reader may see: the reader's result and the comment table.

There is one rule, :meth:`analysis.protection.ProtectedView.comments` (the
*block* rule the disclosure auditor tests, issue 9 (d)); the Opmerkingen page,
:func:`analysis.protection.visible_comments` and the auditor all call it.
This module holds what that rule returns (:class:`CommentsResult`, with the
reader's sentences) and builds the table of comments (:func:`comment_table`).

The rule, in short:

1. **Every selected part meets the minimum**: comments are shown only for a
   selection whose size the protected table shows and that is a union of
   whole comment *blocks* (:meth:`analysis.protection.ProtectedData.comment_blocks`:
   the finest selections round x institution x respondent type x measure
   type, pooled until each has at least ``min_cell`` respondents).  One
   selection minus another, or their intersection, is then again a union of
   blocks: no set operation isolates fewer than ``min_cell`` respondents.
2. **A search must match at least ``min_cell`` respondents**; a search that
   matches fewer (also none) shows nothing, so "who wrote X" cannot be asked.
3. **Without other answers**: the comments are shown as text only (the
   question they answer and the comment, sorted by text, so that the two
   comments of one respondent cannot be paired).  Only the role
   ``inspecteur`` also sees the institution and the grade next to each
   comment, in the random ``response_id`` order.

The text is scrubbed on the way out (:func:`analysis.scrub.scrub_text`) and
the search runs on the scrubbed text.  Pure: no streamlit, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from . import contract, i18n, wording
from .scrub import scrub_text

#: the role that sees the institution and the grade next to each comment (rule 3)
WITH_ANSWERS_ROLE = "inspecteur"

SHOWN = "shown"
SELECTION_HIDDEN = "selection_hidden"
SHARES_SMALL_GROUP = "shares_small_group"
SEARCH_TOO_FEW = "search_too_few"
STATUSES = (SHOWN, SELECTION_HIDDEN, SHARES_SMALL_GROUP, SEARCH_TOO_FEW)

#: Catalog key of the reader's message for each status (headers: ``privacy.comments.column.<name>``)
STATUS_KEYS = {
    SELECTION_HIDDEN: "onerule.comments.selection_hidden",
    SHARES_SMALL_GROUP: "onerule.comments.shares_small_group",
    SEARCH_TOO_FEW: "privacy.comments.search_too_few",
}
COLUMN_KEY = "privacy.comments.column."


@dataclass(frozen=True)
class CommentsResult:
    """What the reader may see.  ``table`` is empty unless ``status`` is ``shown``.

    ``n_respondents``: respondents in the selection as the protected table
    shows them (0 when hidden); ``n_comments``: rows of ``table``;
    ``with_answers``: ``table`` has the institution and grade.
    """

    table: pd.DataFrame
    status: str
    n_respondents: int
    n_comments: int
    min_cell: int
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
        return i18n.text(STATUS_KEYS[self.status], lang, min_cell=self.min_cell)

    def notes(self, lang: str = "nl") -> list[str]:
        """Further sentences: with or without other answers."""
        if not self.shown:
            return []
        key = "privacy.comments.with_answers" if self.with_answers else "privacy.comments.text_only"
        return [i18n.text(key, lang)]


def check_columns(columns: Sequence[str]) -> None:
    for c in columns:
        if c not in contract.COMMENT_COLUMNS:
            raise ValueError(f"{c!r} is not a comment column")


def comment_table(
    sub: pd.DataFrame,
    *,
    columns: Sequence[str] = contract.COMMENT_COLUMNS,
    search: str | None = None,
    with_answers: bool = False,
    lang: str = "nl",
    scrub: Callable[[str], str] = scrub_text,
) -> tuple[pd.DataFrame, int]:
    """The comments of ``sub`` (rule 3) and the number of respondents a search matched (all with a comment without one).

    Columns: question, comment (sorted by text); with answers: question,
    institution, grade, comment in ``sub``'s order (headers in ``lang``).
    """
    check_columns(columns)
    names = ("question", "gi", "grade", "comment") if with_answers else ("question", "comment")
    heads = [i18n.text(COLUMN_KEY + k, lang) for k in names]
    parts = []
    matched = pd.Series(False, index=sub.index)
    for c in columns:
        raw = sub[c].astype("string")
        has = (raw.notna() & (raw.str.strip() != "")).fillna(False).astype(bool)
        text = raw[has].astype(object).map(scrub)
        if search:
            text = text[text.str.contains(search, case=False, regex=False).fillna(False).astype(bool)]
        matched.loc[text.index] = True
        part = {"question": [wording.variable_label(c, lang)] * len(text), "comment": text.to_numpy()}
        if with_answers:
            part["gi"] = sub.loc[text.index, "gi"].astype("string").fillna("").to_numpy()
            part["grade"] = sub.loc[text.index, "grade"].astype("Int64").astype("string").fillna("").to_numpy()
        frame = pd.DataFrame({k: part[k] for k in names}, index=range(len(text)))
        if not with_answers:  # sorted by text: the two comments of one respondent cannot be paired
            frame = frame.sort_values("comment", key=lambda s: s.str.casefold(), kind="stable")
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(names))
    table.columns = heads
    return table.astype("string"), int(matched.sum())
