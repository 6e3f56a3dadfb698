"""Downloads: tables as CSV/XLSX, charts as PNG/SVG, the download buttons."""

from __future__ import annotations

import copy
import html
import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from analysis import charts
from survey_app.auth.session import guard

from .context import (
    t,
)

# --------------------------------------------------------------------------- downloads


def table_csv(table: pd.DataFrame) -> bytes:
    """A table as CSV bytes (UTF-8 with BOM so Excel reads the accents)."""
    return table.to_csv(index=False).encode("utf-8-sig")


def table_xlsx(table: pd.DataFrame, sheet: str = "tabel") -> bytes:
    """A table as an .xlsx workbook (bytes)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        table.to_excel(xw, index=False, sheet_name=sheet[:31])
    return buf.getvalue()


def download_buttons(
    key: str, basename: str, *, chart: Any = None, table: pd.DataFrame | Callable[[], pd.DataFrame] | None = None
) -> None:
    """PNG and SVG of a chart, CSV and XLSX of a table; files are made only when clicked.

    Each file is made only while the session is still signed in, and each
    download is written to the audit log (:func:`survey_app.auth.session.guard`).
    """

    def _table() -> pd.DataFrame:
        return table() if callable(table) else table

    def button(fmt: str, label: str, mime: str, icon: str, make: Callable[[], bytes]) -> None:
        st.download_button(
            label,
            data=guard(make, f"{basename}.{fmt}"),
            file_name=f"{basename}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            on_click="ignore",
            icon=icon,
        )

    with st.container(horizontal=True, gap="small"):
        if chart is not None:
            button("png", t("download_png"), "image/png", ":material/image:", lambda: charts.chart_bytes(chart, "png"))
            button(
                "svg", t("download_svg"), "image/svg+xml", ":material/image:", lambda: charts.chart_bytes(chart, "svg")
            )
        if table is not None:
            button("csv", t("download_csv"), "text/csv", ":material/table:", lambda: table_csv(_table()))
            button(
                "xlsx",
                t("download_xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ":material/table:",
                lambda: table_xlsx(_table()),
            )


#: Read by screen readers, not shown (WCAG 1.1.1: the chart's text alternative beside its table).
_SR_ONLY = (
    '<p style="position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;'
    'clip:rect(0,0,0,0);white-space:nowrap;border:0">{text}</p>'
)


def show_chart(chart, *, key: str) -> None:
    """A chart (Altair, or its Vega-Lite spec: :func:`analysis.charts.chart_spec`) and its text
    alternative: the chart's ``description`` (its title and every number in words, from
    :mod:`analysis.charts` / :mod:`analysis.charts_compare`) for screen readers.  The numbers as a
    table are shown by the page next to it (:func:`show_table`).

    The chart becomes a spec once (house theme, not validated again) and is sent as that:
    Streamlit's own Altair path would turn it into a dict twice more, with schema validation.
    """
    spec = charts.chart_spec(chart)
    # Streamlit changes the spec in place (datasets moved onto its message, legend titles): a kept
    # spec (a figure's, shared by every session: ProtectedData.memo) must stay as it is
    st.vega_lite_chart(copy.deepcopy(spec), width="content", key=key)
    description = spec.get("description")
    if description:
        st.html(_SR_ONLY.format(text=html.escape(description)))


def show_table(table: pd.DataFrame, *, key: str | None = None) -> None:
    """A display table (strings) as plain text cells."""
    st.dataframe(table, hide_index=True, width="stretch", key=key)
