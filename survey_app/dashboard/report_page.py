"""Inspectierapport: the published 2025 figures next to the computed ones."""

from __future__ import annotations

import datetime as _dt

import pandas as pd
import streamlit as st

from analysis import charts_compare, contract, views
from analysis.reference import compare_to_published

from . import data_access
from .context import (
    CACHE_ENTRIES,
    CACHE_TTL,
    Context,
    _load,
    _url,
    report_waits,
    t,
)
from .data_access import Scope
from .downloads import (
    download_buttons,
    show_chart,
    show_table,
)

# --------------------------------------------------------------------------- inspection report


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _reference(url: str, scope: Scope, filters_key: tuple, min_cell: int, _storage) -> pd.DataFrame:
    return compare_to_published(_load(url, scope, filters_key, _storage), min_cell=min_cell)


def default_round(rounds, round_ids, *, today: _dt.date | None = None) -> str | None:
    """The demo round when present, else the latest closed round, else the first round (newest)."""
    if not round_ids:
        return None
    if contract.DEMO_ROUND_ID in round_ids:
        return contract.DEMO_ROUND_ID
    today = today or _dt.date.today()
    closed = [r for r in rounds if r.id in round_ids and r.status(today) == "closed"]
    if closed:
        return max(closed, key=lambda r: (r.closes or _dt.date.min, r.opens or _dt.date.min)).id
    return round_ids[0]


def reference_filters(ctx: Context, round_id: str) -> dict:
    """The sidebar filters with the chosen round; without an institution filter, the round's national institutions."""
    filters = {**ctx.filters_except("round_id"), "round_id": [round_id]}
    if not filters.get("gi"):
        try:
            info = ctx.storage.get_round(round_id)
            national = ctx.storage.national_gis(round_id)
        except Exception:  # a round that only occurs in imported data
            return filters
        if set(national) != set(info.gis):
            filters["gi"] = [g for g in ctx.options.gis if g in national]
    return filters


def render_reference(ctx: Context) -> None:
    """Published 2025 figures next to the computed ones (one round, picked by the reader), figure by figure."""
    rounds = ctx.storage.list_rounds()
    ids = list(ctx.options.round_ids)
    default = default_round(rounds, ids)
    if st.session_state.get("ref_round") not in ids:
        st.session_state.pop("ref_round", None)
    round_id = st.selectbox(
        t("ref_round", ctx.lang),
        ids,
        index=ids.index(default) if default in ids else 0,
        key="ref_round",
        format_func=ctx.options.round_label,
        help=t("ref_round_help", ctx.lang),
    )
    filters = reference_filters(ctx, round_id)
    if report_waits(ctx, filters):  # one institution on its own whose fieldwork started late and still runs
        return
    st.caption(t("n_selected", count=len(ctx.load(filters))))
    if filters.get("gi") and not ctx.filters.get("gi"):
        st.caption(t("ref_national", ctx.lang, gis=", ".join(filters["gi"])))
    cmp = _reference(_url(ctx.storage), ctx.scope, data_access.filters_key(filters), ctx.min_cell, ctx.storage)
    view = views.reference_view(cmp, lang=ctx.lang)
    st.metric(t("reference_metric"), f"{int(cmp['match'].sum())} / {len(cmp)}", border=True, width=320)
    st.caption(t("reference_summary", count=int(cmp["match"].sum()), n=len(cmp)))
    heads = views.reference_headers(ctx.lang)
    for figure, block in view.groupby("figure", sort=False):
        with st.container(key=f"ref_{figure}"):
            st.subheader(block["figure_title"].iloc[0])
            chart = charts_compare.reference_chart(cmp[cmp["figure"] == figure], block, lang=ctx.lang)
            if chart is not None:
                show_chart(chart, key=f"{ctx.page}_chart_{figure}")
            show_table(block[list(heads)].rename(columns=heads))
    download_buttons(f"{ctx.page}_all", "vergelijking-inspectierapport-2025", table=cmp)
