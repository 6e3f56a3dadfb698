"""Vergelijken: an institution against the rest, a round against another round."""

from __future__ import annotations

import streamlit as st

from analysis import charts_compare, contract, views, wording

from .context import (
    FILTER_KEYS,
    Context,
    _remember,
    _restore,
    no_data,
    report_waits,
    t,
)
from .downloads import (
    download_buttons,
    show_chart,
    show_table,
)

# --------------------------------------------------------------------------- comparisons

COMPARE_MODE_KEY = "cmp_mode"


def compare_disabled_filters() -> tuple[str, ...]:
    """The sidebar filter the chosen comparison ignores (institution, or round)."""
    mode = st.session_state.get(COMPARE_MODE_KEY) or st.session_state.get("_" + COMPARE_MODE_KEY) or "gi"
    return ("gi",) if mode == "gi" else ("round_id",)


def render_compare(ctx: Context) -> None:
    """Institution vs all other GIs together, or round vs earlier round: chart, sentences, table."""
    lang_ = ctx.lang
    _restore(COMPARE_MODE_KEY)
    mode = st.radio(
        t("cmp_mode"),
        ["gi", "round"],
        key=COMPARE_MODE_KEY,
        horizontal=True,
        format_func=lambda m: t("cmp_mode_gi" if m == "gi" else "cmp_mode_round"),
    )
    _remember(COMPARE_MODE_KEY)
    if mode == "gi":
        gis = [g for g in ctx.options.gis]
        if len(gis) < (1 if ctx.scope.pool_others else 2):
            st.info(t("cmp_no_gis"))
            return
        _restore("cmp_gi", gis)
        gi = st.selectbox(t("cmp_gi"), gis, key="cmp_gi", format_func=lambda g: f"{g} — {contract.GI_NAMES.get(g, g)}")
        _remember("cmp_gi")
        if st.session_state.get(FILTER_KEYS["gi"]):
            st.caption(t("cmp_filter_note", f=wording.variable_label("gi", lang_), w=t("cmp_all_gis")))
        if report_waits(ctx, {**ctx.filters_except("gi"), "gi": [gi]}):  # its own figures wait (late start)
            return
        # from the one protected table (issue 9): the institution and "all other GIs together" are
        # cells of it; a gi account selects its own institution, the others are only pooled
        view = ctx.view({**ctx.filters_except("gi"), "gi": [gi]})
        if view is None:
            no_data()
            return
        cmp = view.compare_institution(gi)
        a_label, b_label = gi, wording.group_label("gi", "rest", lang_)
    else:
        rounds = [r for r in ctx.options.round_ids]
        if len(rounds) < 2:
            st.info(t("cmp_one_round"))
            return
        _restore("cmp_round_a", rounds)
        a = st.selectbox(t("cmp_round_a"), rounds, key="cmp_round_a", format_func=ctx.options.round_label)
        _remember("cmp_round_a")
        earlier = [r for r in rounds if r != a]
        _restore("cmp_round_b", earlier)
        b = st.selectbox(t("cmp_round_b"), earlier, key="cmp_round_b", format_func=ctx.options.round_label)
        _remember("cmp_round_b")
        if st.session_state.get(FILTER_KEYS["round_id"]):
            st.caption(t("cmp_filter_note", f=wording.variable_label("round_id", lang_), w=t("cmp_all_rounds")))
        if report_waits(ctx, {**ctx.filters_except("round_id"), "round_id": [a, b]}):
            return
        view = ctx.view(ctx.filters_except("round_id"))  # the one protected table (issue 9)
        if view is None:
            no_data()
            return
        cmp = view.compare_rounds(a, b)
        a_label, b_label = ctx.options.round_label(a), ctx.options.round_label(b)  # names, not ids (issue 11)
    chart = charts_compare.comparison_chart(cmp, lang=lang_, a_label=a_label, b_label=b_label, min_cell=ctx.min_cell)
    with st.container(key="compare_chart"):
        show_chart(chart, key=f"{ctx.page}_chart")
    st.caption(t("cmp_method", min_cell=ctx.min_cell))
    rows = cmp.astype(object).to_dict("records")
    sig = [r for r in rows if not r["suppressed"] and r["p_holm"] == r["p_holm"] and r["p_holm"] < wording.ALPHA]
    if sig:
        st.markdown(f"**{t('cmp_significant')}**")
        for r in sig:
            st.markdown(
                "- "
                + wording.comparison_sentence(r, a_label=a_label, b_label=b_label, lang=lang_, min_cell=ctx.min_cell)
            )
    else:
        st.write(t("cmp_none"))
    with st.expander(t("cmp_all_sentences")):
        for r in rows:
            st.write(
                wording.comparison_sentence(r, a_label=a_label, b_label=b_label, lang=lang_, min_cell=ctx.min_cell)
            )
    with st.expander(t("table_downloads"), expanded=True):
        show_table(
            views.comparison_view(cmp, lang=lang_, a_label=a_label, b_label=b_label, min_cell=ctx.min_cell),
            key=f"{ctx.page}_table",
        )
        download_buttons(
            f"{ctx.page}_cmp",
            f"vergelijking-{a_label if mode == 'gi' else a}-{'rest' if mode == 'gi' else b}",
            chart=chart,
            table=cmp,
        )
