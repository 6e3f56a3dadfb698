"""Inspectierapport: the published 2025 figures next to the computed ones."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import views

from .context import (
    CACHE_ENTRIES,
    CACHE_TTL,
    Context,
    _load,
    _url,
    t,
)
from .data_access import Scope
from .downloads import (
    download_buttons,
    show_table,
)

# --------------------------------------------------------------------------- inspection report


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _reference(url: str, scope: Scope, filters_key: tuple, min_cell: int, _storage) -> pd.DataFrame:
    from analysis.reference import compare_to_published

    return compare_to_published(_load(url, scope, filters_key, _storage), min_cell=min_cell)


def render_reference(ctx: Context) -> None:
    """Published 2025 figures next to the computed ones, figure by figure."""
    from analysis import charts_compare

    cmp = _reference(_url(ctx.storage), ctx.scope, ctx.filters_key, ctx.min_cell, ctx.storage)
    view = views.reference_view(cmp, lang=ctx.lang)
    st.metric(t("reference_metric"), f"{int(cmp['match'].sum())} / {len(cmp)}", border=True, width=320)
    st.caption(t("reference_summary", count=int(cmp["match"].sum()), n=len(cmp)))
    heads = views.reference_headers(ctx.lang)
    for figure, block in view.groupby("figure", sort=False):
        with st.container(key=f"ref_{figure}"):
            st.subheader(block["figure_title"].iloc[0])
            chart = charts_compare.reference_chart(cmp[cmp["figure"] == figure], block, lang=ctx.lang)
            if chart is not None:
                st.altair_chart(chart, width="content", key=f"{ctx.page}_chart_{figure}")
            show_table(block[list(heads)].rename(columns=heads))
    download_buttons(f"{ctx.page}_all", "vergelijking-inspectierapport-2025", table=cmp)
