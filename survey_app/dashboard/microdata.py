"""Microdata page: the k-anonymous export of :func:`analysis.microdata.k_anonymous_microdata`.

The file always holds the reader's whole scope (the page has no filters):
two exports of overlapping selections could be subtracted.  ``k`` is fixed
(:data:`K`, the protected table's minimum cell size; issue 9 M3).  Downloads go
through :func:`survey_app.auth.session.guard` (checked when clicked, written
to the audit log) with the action ``research_export``.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import streamlit as st

from analysis import i18n, wording
from analysis.microdata import MicrodataRecord, k_anonymous_microdata
from survey_app.auth.session import guard

from .context import MIN_CELL, Context, no_data, protected

ACTION = "research_export"
#: k of the export: fixed to the protected table's minimum cell size, not a widget and
#: not the reader's (two exports at two k's join to classes under k: issue 9 M3).
K = MIN_CELL
BASENAME = "microdata"


def note_text(record: MicrodataRecord) -> str:
    """What was done, in every language of the catalog (Dutch first), as plain text for the file."""
    blocks = []
    for lang in wording.LANGS:
        lines = [i18n.text("privacy.microdata.note_title", lang)] + [f"- {x}" for x in record.note(lang)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def zip_bytes(frame: pd.DataFrame, record: MicrodataRecord) -> bytes:
    """``microdata.csv`` (UTF-8 with BOM, ``;``) and ``toelichting.txt`` in one zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{BASENAME}.csv", frame.to_csv(index=False, sep=";").encode("utf-8-sig"))
        z.writestr("toelichting.txt", note_text(record).encode("utf-8"))
    return buf.getvalue()


def xlsx_bytes(frame: pd.DataFrame, record: MicrodataRecord, lang: str) -> bytes:
    """A workbook with the data and a sheet with the note."""
    buf = io.BytesIO()
    note = pd.DataFrame({"": note_text(record).splitlines()})
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        frame.to_excel(xw, index=False, sheet_name=i18n.text("privacy.microdata.sheet_data", lang))
        note.to_excel(xw, index=False, header=False, sheet_name=i18n.text("privacy.microdata.sheet_note", lang))
    return buf.getvalue()


def render_microdata(ctx: Context) -> None:
    lang_ = ctx.lang
    if ctx.access is None or not ctx.access.can(ACTION):
        return
    st.write(i18n.text("privacy.microdata.intro", lang_, k=K))
    if ctx.empty:
        no_data()
        return
    # recoded from the one protected table first: no count of the file is a cell it hides (issue 9 (b))
    frame, record = k_anonymous_microdata(ctx.df, k=K, protected=protected(ctx.storage, ctx.scope))
    st.subheader(i18n.text("privacy.microdata.note_title", lang_))
    st.markdown("\n".join(f"- {line}" for line in record.note(lang_)))
    if frame.empty:
        st.info(i18n.text("privacy.microdata.no_rows", lang_), icon=":material/info:")
        return
    detail = f"k={record.k}; period={record.period_level}; rows={record.n_out}"
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            i18n.text("privacy.microdata.download_zip", lang_),
            data=guard(lambda: zip_bytes(frame, record), f"{BASENAME}.zip", detail=detail, action=ACTION),
            file_name=f"{BASENAME}.zip",
            mime="application/zip",
            key="micro_zip",
            on_click="ignore",
            icon=":material/download:",
        )
        st.download_button(
            i18n.text("privacy.microdata.download_xlsx", lang_),
            data=guard(lambda: xlsx_bytes(frame, record, lang_), f"{BASENAME}.xlsx", detail=detail, action=ACTION),
            file_name=f"{BASENAME}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="micro_xlsx",
            on_click="ignore",
            icon=":material/download:",
        )
