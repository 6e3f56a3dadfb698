"""Verbanden: cross tables, associations and the model builder."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import charts_compare, contract, i18n, models, views, wording
from analysis.relations import VARIABLES, variable_kind

from . import data_access
from .context import (
    CACHE_ENTRIES,
    CACHE_TTL,
    Context,
    _load,
    _remember,
    _restore,
    _url,
    no_data,
    protected,
    t,
    table_rounds,
)
from .data_access import Scope
from .downloads import (
    download_buttons,
    show_chart,
    show_table,
)

# --------------------------------------------------------------------------- relations and models


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _model(
    url: str,
    scope: Scope,
    filters_key: tuple,
    predictors: tuple,
    kind: str,
    n_workers_as: str,
    weights: str | None,
    _storage,
    rounds: tuple | None = None,
):
    # the model builder uses the respondents the reader may see: shown groups of every predictor (issue 9);
    # a model whose predictors cross into a small cell is refused, and the fit shows no number that gives
    # its n away (issue 9 M2)
    data = protected(_storage, scope)  # the one table: its min_cell is the model's too (issue 9 H1)
    view = data_access.protected_view(data, scope, dict(filters_key))
    if view is None:  # nothing this reader may see: the model of no respondents is refused
        return models.grade_model(
            _load(url, scope, filters_key, _storage, False, rounds).iloc[:0],
            kind=kind,
            predictors=list(predictors),
            weights=weights,
            n_workers_as=n_workers_as,
            min_cell=data.min_cell,
        )
    # one fit gives both the coefficient table (chart and table) and the fit statistics
    return view.grade_model(predictors=list(predictors), kind=kind, weights=weights, n_workers_as=n_workers_as)


def render_relations(ctx: Context) -> None:
    """Two variables: cross table + heat map, or grade box plot; association measures."""
    lang_ = ctx.lang
    cols = list(VARIABLES)
    fmt = lambda c: wording.variable_label(c, lang_)  # noqa: E731
    with st.container(horizontal=True):
        _restore("rel_x", cols)
        x = st.selectbox(t("rel_x"), cols, index=cols.index("n_workers"), key="rel_x", format_func=fmt)
        _remember("rel_x")
        _restore("rel_y", cols)
        y = st.selectbox(t("rel_y"), cols, index=cols.index("grade"), key="rel_y", format_func=fmt)
        _remember("rel_y")
    if x == y:
        st.warning(t("rel_same"))
        return
    view = ctx.view()  # every number below is read from the one protected table (issue 9)
    if view is None:
        no_data()
        return
    kx, ky = variable_kind(x), variable_kind(y)
    if "interval" in (kx, ky):
        group = x if ky == "interval" else y
        st.subheader(t("rel_box"))
        summary = view.grade_summary(group)
        chart = charts_compare.grade_boxplot(summary, group=group, lang=lang_, min_cell=ctx.min_cell)
        show_chart(chart, key=f"{ctx.page}_box")
        st.caption(t("rel_box_note"))
        table = views.grade_summary_view(summary, group=group, lang=lang_, min_cell=ctx.min_cell)
        raw = summary
    else:
        st.subheader(t("rel_crosstab"))
        ct = view.crosstab(x, y)
        if ct["low_expected"].any():
            st.warning(i18n.text("disclosure.low_expected", lang_), icon=":material/warning:")
        chart = charts_compare.crosstab_heatmap(ct, row=x, col=y, lang=lang_, min_cell=ctx.min_cell)
        show_chart(chart, key=f"{ctx.page}_heat")
        st.caption(t("rel_suppressed_note", min_cell=ctx.min_cell))
        table = views.crosstab_view(ct, row=x, col=y, lang=lang_, min_cell=ctx.min_cell)
        raw = views.crosstab_labelled(ct, row=x, col=y, lang=lang_)
    with st.expander(t("table_downloads"), expanded=True):
        show_table(table, key=f"{ctx.page}_rel_table")
        download_buttons(f"{ctx.page}_rel", f"verband-{x}-{y}", chart=chart, table=raw)
    st.subheader(t("rel_assoc"))
    assoc = view.association(x, y)
    show_table(views.association_view(assoc, lang=lang_, min_cell=ctx.min_cell), key=f"{ctx.page}_assoc")


def render_model_builder(ctx: Context) -> None:
    """Model of the grade: predictors, OLS (HC3) or ordinal logit, optional frequency weights."""
    lang_ = ctx.lang
    st.header(t("model_header"))
    options = [p for p in models.PREDICTORS]
    _restore("model_predictors", options)
    preds = st.multiselect(
        t("model_predictors"),
        options,
        default=["n_workers", "had_gap"],
        key="model_predictors",
        format_func=lambda c: wording.variable_label(c, lang_),
    )
    _remember("model_predictors")
    with st.container(horizontal=True):
        _restore("model_kind")
        kind = st.radio(t("model_kind"), ["ols", "ordinal"], key="model_kind", format_func=lambda k: t("model." + k))
        _remember("model_kind")
        _restore("model_nworkers")
        nw = st.radio(
            t("model_nworkers"),
            ["numeric", "categorical"],
            key="model_nworkers",
            format_func=lambda k: t("model." + k),
            disabled="n_workers" not in preds,
        )
        _remember("model_nworkers")
    weight_cols = [c for c in ctx.df.columns if c not in contract.COLUMNS and pd.api.types.is_integer_dtype(ctx.df[c])]
    weights = None
    if weight_cols:
        w = st.selectbox(
            t("model_weights"),
            ["", *weight_cols],
            key="model_weights",
            format_func=lambda c: c or t("model_no_weights"),
        )
        weights = w or None
    else:
        st.caption(t("model_weights_none"))
    if not preds:
        st.info(t("model_choose"))
        return
    try:
        rounds = table_rounds(ctx.storage, ctx.scope)  # part of the cache key: a round closing changes the table
        model = _model(
            _url(ctx.storage), ctx.scope, ctx.filters_key, tuple(preds), kind, nw, weights, ctx.storage, rounds
        )
    except models.ModelRefused as exc:
        st.warning(views.refusal_text(exc, lang_), icon=":material/block:")
        return
    except ValueError as exc:
        st.warning(str(exc))
        return
    coefs, fit = model.coefficients, model.fit
    st.caption(t("model_reading_ols" if kind == "ols" else "model_reading_ordinal"))
    chart = charts_compare.coefficient_chart(coefs, lang=lang_)
    with st.container(key="model_chart"):
        show_chart(chart, key=f"{ctx.page}_coef")
    show_table(views.model_view(coefs, lang=lang_), key=f"{ctx.page}_coefs")
    st.subheader(t("model_fit"))
    show_table(views.fit_view(fit, lang=lang_), key=f"{ctx.page}_fit")
    st.caption(i18n.text("modelsafe.model.note", lang_))
    download_buttons(f"{ctx.page}_model", f"model-rapportcijfer-{kind}", chart=chart, table=coefs)
