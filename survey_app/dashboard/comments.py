"""Opmerkingen: the scrubbed free-text comments, by the one rule :meth:`analysis.protection.ProtectedView.comments`.

The same rule the disclosure auditor tests (comment blocks, issue 9 (d)): a selection whose size is
hidden, or that is not a union of whole blocks, shows no comments; the size shown is the table's.
"""

from __future__ import annotations

import streamlit as st

from analysis import contract, i18n, wording

from .context import (
    Context,
    no_data,
    t,
)
from .downloads import (
    show_table,
)

# --------------------------------------------------------------------------- comments


def render_comments(ctx: Context) -> None:
    """The comments the reader may see (:meth:`analysis.protection.ProtectedView.comments`), or why none are shown."""
    lang_ = ctx.lang
    st.write(i18n.text("privacy.comments.intro", lang_))
    st.caption(i18n.text("privacy.comments.scrubbed", lang_))
    which = st.multiselect(
        t("comments_which"),
        list(contract.COMMENT_COLUMNS),
        default=list(contract.COMMENT_COLUMNS),
        key=f"{ctx.page}_which",
        format_func=lambda c: wording.variable_label(c, lang_),
    )
    search = st.text_input(t("comments_search"), key=f"{ctx.page}_search", max_chars=100)
    view = ctx.view()  # the selection's size is read from the one protected table (issue 9)
    if view is None:
        no_data()
        return
    result = view.comments(
        columns=which or contract.COMMENT_COLUMNS,
        search=search.strip() or None,
        role=ctx.access.role if ctx.access is not None else None,
        lang=lang_,
    )
    if not result.shown:
        st.info(result.message(lang_), icon=":material/visibility_off:")
        return
    st.caption(result.message(lang_))
    for note in result.notes(lang_):
        st.caption(note)
    show_table(result.table, key=f"{ctx.page}_table")
