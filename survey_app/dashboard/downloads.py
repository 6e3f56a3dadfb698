"""Downloads: tables as CSV/XLSX, charts as PNG/SVG, the download buttons."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

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
    from analysis import charts

    def _table() -> pd.DataFrame:
        return table() if callable(table) else table

    with st.container(horizontal=True, gap="small"):
        if chart is not None:
            st.download_button(
                t("download_png"),
                data=guard(lambda c=chart: charts.chart_bytes(c, "png"), f"{basename}.png"),
                file_name=f"{basename}.png",
                mime="image/png",
                key=f"{key}_png",
                on_click="ignore",
                icon=":material/image:",
            )
            st.download_button(
                t("download_svg"),
                data=guard(lambda c=chart: charts.chart_bytes(c, "svg"), f"{basename}.svg"),
                file_name=f"{basename}.svg",
                mime="image/svg+xml",
                key=f"{key}_svg",
                on_click="ignore",
                icon=":material/image:",
            )
        if table is not None:
            st.download_button(
                t("download_csv"),
                data=guard(lambda: table_csv(_table()), f"{basename}.csv"),
                file_name=f"{basename}.csv",
                mime="text/csv",
                key=f"{key}_csv",
                on_click="ignore",
                icon=":material/table:",
            )
            st.download_button(
                t("download_xlsx"),
                data=guard(lambda: table_xlsx(_table()), f"{basename}.xlsx"),
                file_name=f"{basename}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key=f"{key}_xlsx",
                on_click="ignore",
                icon=":material/table:",
            )


def show_table(table: pd.DataFrame, *, key: str | None = None) -> None:
    """A display table (strings) as plain text cells."""
    st.dataframe(table, hide_index=True, width="stretch", key=key)
