"""Opmerkingen: the scrubbed free-text comments."""

from __future__ import annotations

import streamlit as st

from analysis import contract, views, wording

from .context import (
    Context,
    t,
)
from .downloads import (
    show_table,
)

# --------------------------------------------------------------------------- comments


def render_comments(ctx: Context) -> None:
    """The scrubbed comments as plain text; hidden when the selection is under min_cell."""
    lang_ = ctx.lang
    which = st.multiselect(
        t("comments_which"),
        list(contract.COMMENT_COLUMNS),
        default=list(contract.COMMENT_COLUMNS),
        key=f"{ctx.page}_which",
        format_func=lambda c: wording.variable_label(c, lang_),
    )
    search = st.text_input(t("comments_search"), key=f"{ctx.page}_search", max_chars=100)
    view = views.comments_view(
        ctx.df,
        min_cell=ctx.min_cell,
        columns=which or contract.COMMENT_COLUMNS,
        search=search.strip() or None,
        lang=lang_,
    )
    if view.suppressed:
        st.info(t("comments_hidden", n=view.n_respondents, m=ctx.min_cell), icon=":material/visibility_off:")
        return
    st.caption(t("comments_count", k=view.n_comments, n=view.n_respondents))
    show_table(view.table, key=f"{ctx.page}_table")
