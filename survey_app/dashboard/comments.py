"""Opmerkingen: the scrubbed free-text comments."""

from __future__ import annotations

import streamlit as st

from analysis import contract, i18n, views, wording

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
        st.info(t("comments_hidden", count=view.n_respondents, min_cell=ctx.min_cell), icon=":material/visibility_off:")
        return
    st.caption(
        t(
            "comments_count",
            comments=i18n.text("count.comments", lang_, count=view.n_comments),
            respondents=i18n.text("count.respondents", lang_, count=view.n_respondents),
        )
    )
    show_table(view.table, key=f"{ctx.page}_table")
