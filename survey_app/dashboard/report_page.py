"""Inspectierapport: the published 2025 figures next to the computed ones."""

from __future__ import annotations

import datetime as _dt

import streamlit as st

from analysis import charts_compare, contract, i18n, views
from analysis.reference import compare_view

from .context import Context, report_waits, selection_caption, t
from .downloads import (
    download_buttons,
    show_chart,
    show_table,
)

# --------------------------------------------------------------------------- inspection report


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
    """The sidebar filters with the chosen round (each one value or all: a view of the one protected table)."""
    return {**ctx.filters_except("round_id"), "round_id": [round_id]}


def not_national(ctx: Context, filters: dict) -> tuple[str, ...]:
    """Institutions of the round that do not count nationally, when the view would be the national one.

    The national figures of a round are its view "every institution" in the
    one protected table only when every institution of the round counts
    nationally.  A view without an institution chosen (and a scope of every
    institution) of a round where some do not count is not a selection of the
    table (issue 9, H2): it is not shown.  Empty: the view can be shown.
    Decided on the round's settings only, never on the data.
    """
    if filters.get("gi") or ctx.scope.gis is not None:
        return ()
    round_id = filters["round_id"][0]
    try:
        info = ctx.storage.get_round(round_id)
        national = set(ctx.storage.national_gis(round_id))
    except Exception:  # a round that only occurs in imported data: all of it is national
        return ()
    return tuple(g for g in info.gis if g not in national)


def render_reference(ctx: Context) -> None:
    """Published 2025 figures next to the computed ones (one round, picked by the reader), figure by figure.

    Every computed number is read from the reader's view of the one protected
    table (:meth:`Context.view`, the table of every page): a number is the
    number Overzicht shows for the same selection, or hidden.
    """
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
    others = not_national(ctx, filters)
    if others:
        st.info(
            i18n.text("refpage.not_national", ctx.lang, count=len(others), gis=", ".join(others)),
            icon=":material/info:",
        )
        return
    view = ctx.view(filters)
    if view is None:
        st.info(t("no_data", ctx.lang), icon=":material/info:")
        return
    selection_caption(ctx, view)
    cmp = compare_view(view)
    table = views.reference_view(cmp, lang=ctx.lang)
    st.metric(t("reference_metric"), f"{int(cmp['match'].sum())} / {len(cmp)}", border=True, width=320)
    st.caption(t("reference_summary", count=int(cmp["match"].sum()), n=len(cmp)))
    heads = views.reference_headers(ctx.lang)
    for figure, block in table.groupby("figure", sort=False):
        with st.container(key=f"ref_{figure}"):
            st.subheader(block["figure_title"].iloc[0])
            chart = charts_compare.reference_chart(cmp[cmp["figure"] == figure], block, lang=ctx.lang)
            if chart is not None:
                show_chart(chart, key=f"{ctx.page}_chart_{figure}")
            show_table(block[list(heads)].rename(columns=heads))
    download_buttons(f"{ctx.page}_all", "vergelijking-inspectierapport-2025", table=cmp)
