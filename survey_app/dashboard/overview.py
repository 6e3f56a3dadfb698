"""Overzicht: key numbers and every figure of the inspection report."""

from __future__ import annotations

import streamlit as st

from analysis import views, wording
from analysis.document import figure_caption, figure_notes
from analysis.figures import FigureResult

from .context import (
    Context,
    t,
)
from .downloads import (
    download_buttons,
    show_chart,
    show_table,
)

# --------------------------------------------------------------------------- overview


def render_key_numbers(ctx: Context) -> None:
    """Respondents, parents, young people, share with a period without a worker, mean grade."""
    st.subheader(t("key_numbers"))
    view = ctx.view()
    if view is None:
        return
    kn = view.key_numbers()  # from the one protected table (issue 9)
    items = views.key_number_texts(kn, lang=ctx.lang, min_cell=ctx.min_cell)
    with st.container(horizontal=True, gap="small", key="key_numbers"):
        for item in items:
            with st.container(border=True, width=160, key=f"key_{item['key']}"):
                st.metric(item["label"], item["value"])
                if item["detail"]:
                    st.caption(item["detail"])


def render_figure(ctx: Context, fig: FigureResult, number: int, chart: dict) -> None:
    """One figure as in the report: title, chart, caption, test sentence, table and downloads.

    ``chart``: the figure's chart as a Vega-Lite spec (:meth:`Context.figure_charts`).
    """
    lang_ = ctx.lang
    with st.container(key=f"fig_{fig.id}"):
        st.subheader(f"{number}. {wording.figure_title(fig, lang_)}")
        show_chart(chart, key=f"{ctx.page}_chart_{fig.id}")
        if fig.suppressed:
            n = wording.size_text(fig.base_n, fig.base_n_below, ctx.lang)
            st.info(t("figure_hidden", n=n, min_cell=fig.min_cell), icon=":material/visibility_off:")
        st.caption(figure_caption(fig, number, lang=lang_))
        for i, note in enumerate(figure_notes(fig, lang=lang_)):
            (st.markdown(f"**{note}**") if i == 0 else st.caption(note))
        with st.expander(t("table_downloads")):
            show_table(wording.display_table(fig, lang=lang_))
            download_buttons(
                f"{ctx.page}_{fig.id}",
                f"figuur-{number:02d}-{fig.id}",
                chart=chart,
                table=lambda f=fig: wording.labelled_table(f, lang=lang_),
            )


def render_figures(ctx: Context) -> None:
    """Every contract figure in report order."""
    st.subheader(t("figures"))
    for i, (fig, chart) in enumerate(ctx.figure_charts(), start=1):
        render_figure(ctx, fig, i, chart)
