"""Import en export: new rounds, importing files into a round, exports and reports."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import contract, i18n, pipeline, wording
from analysis import mapping as mp
from analysis.document import round_report_docx, round_report_html
from analysis.io import LimitExceeded, ReadError, read_limits, write_responses
from analysis.pipeline import read
from survey_app.auth import actions
from survey_app.auth.session import guard
from survey_app.auth.texts import t as auth_t
from survey_app.storage import ImportRejected, StorageError

from .context import (
    Context,
    clear_data_cache,
    lang,
    protected,
    report_waits,
    selection_caption,
    t,
)
from .downloads import (
    show_table,
)

# --------------------------------------------------------------------------- import and export

EXPORT_FORMATS = {
    "csv": ("text/csv", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "sav": ("application/x-spss-sav", "SPSS"),
    "parquet": ("application/vnd.apache.parquet", "Parquet"),
}
UPLOAD_TYPES = ["csv", "txt", "xlsx", "xlsm", "sav", "zsav", "parquet"]


def frame_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """Responses as file bytes (:func:`analysis.io.write_responses`, formula injection neutralised)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"antwoorden.{fmt}"
        write_responses(df, path, format=fmt, sep=";" if fmt == "csv" else ",", bom=fmt == "csv")
        return path.read_bytes()


def _read_upload(upload):
    """The uploaded file as an :class:`analysis.io.RawTable` (text and row numbers),
    read once per file (session state); ``(None, reason)`` when it cannot be read."""
    cache = st.session_state.setdefault("_imp_raw", {})
    fid = f"{upload.name}:{upload.size}:{getattr(upload, 'file_id', '')}"
    if fid not in cache:
        cache.clear()
        try:
            cache[fid] = (read(upload.getvalue(), file=upload.name), None)
        except ReadError as exc:
            key = "refused" if isinstance(exc, LimitExceeded) else "unreadable"
            cache[fid] = (None, t(key, f=upload.name, r=exc.reason.text(lang())))
    return cache[fid]


def _can(ctx: Context, action: str) -> bool:
    return ctx.access is not None and ctx.access.can(action)


def render_new_round(ctx: Context) -> None:
    """A new round (roles with the action "rounds"; audited)."""
    if not _can(ctx, "rounds"):
        return
    with st.expander(t("new_round")):
        with st.form("imp_new_round_form", border=False):
            name = st.text_input(t("new_round_name"), key="imp_new_name", max_chars=200)
            gis = st.multiselect(
                t("new_round_gis"), list(contract.GI_CODES), default=list(contract.GI_CODES), key="imp_new_gis"
            )
            types = st.multiselect(
                t("new_round_types"),
                list(contract.RESPONDENT_TYPES),
                default=list(contract.RESPONDENT_TYPES),
                key="imp_new_types",
                format_func=lambda v: wording.category_label("respondent_type", v, ctx.lang),
            )
            if st.form_submit_button(t("new_round_button")):
                try:
                    info, _ = actions.create_round(
                        ctx.storage, actor=ctx.access.name, name=name, gis=gis, respondent_types=types
                    )
                except StorageError as exc:
                    st.error(str(exc))
                else:
                    clear_data_cache()
                    st.session_state["imp_round"] = info.id
                    st.success(t("new_round_done", r=info.name))


def _report_frame(report, lang_: str) -> pd.DataFrame:
    f = report.to_frame(lang_)
    heads = {
        "severity": t("report_header_severity", lang_),
        "row": t("report_header_row", lang_),
        "column": t("report_header_column", lang_),
        "value": t("report_header_value", lang_),
        "message": t("report_header_message", lang_),
    }
    out = f[list(heads)].rename(columns=heads)
    out[heads["severity"]] = [
        t(f"severity.{s}", lang_) if i18n.has_text(f"dashboard.severity.{s}") else s for s in f["severity"]
    ]
    return out


def render_import(ctx: Context) -> None:
    """Upload, column and value mapping with preview, validation report, all-or-nothing import.

    Only for roles with the action "import"; into a round that has answers
    only after typing the round's name (:mod:`survey_app.auth.actions`).
    """
    if not _can(ctx, "import"):
        return
    lang_ = ctx.lang
    st.header(t("import_header"))
    rounds = {r.id: r for r in ctx.storage.list_rounds()}
    render_new_round(ctx)
    if not rounds:
        st.info(t("import_no_rounds"))
        return
    round_id = st.selectbox(
        t("import_round"), list(rounds), key="imp_round", format_func=lambda r: f"{rounds[r].name} ({r})"
    )

    upload = st.file_uploader(
        t("upload"),
        type=UPLOAD_TYPES,
        key="imp_file",
        help=t("upload_help"),
        max_upload_size=read_limits().upload_mb,
    )
    if upload is None:
        return
    source, error = _read_upload(upload)
    if source is None:
        st.error(error)
        return
    raw = source.frame
    st.caption(
        t(
            "file_shape",
            rows=i18n.text("count.rows", lang_, count=len(raw)),
            columns=i18n.text("count.columns", lang_, count=len(raw.columns)),
            f=upload.name,
        )
    )
    fid = abs(hash((upload.name, upload.size))) % 10**8
    suggested = mp.suggest_mapping(raw, round_id=round_id)

    st.subheader(t("step_columns"))
    st.caption(t("step_columns_help"))
    sources = [""] + [str(c) for c in raw.columns]
    labels = {
        "column": t("map_column"),
        "label": t("map_label"),
        "required": t("map_required"),
        "source": t("map_source"),
        "constant": t("map_constant"),
    }
    table = st.data_editor(
        mp.mapping_table(suggested, lang=lang_),
        key=f"imp_cols_{fid}",
        hide_index=True,
        width="stretch",
        disabled=["column", "label", "required"],
        num_rows="fixed",
        column_config={k: st.column_config.Column(v) for k, v in labels.items() if k not in ("source",)}
        | {"source": st.column_config.SelectboxColumn(labels["source"], options=sources, required=False)},
    )
    gen = st.checkbox(t("generate_ids"), value=suggested.generate_ids, key=f"imp_gen_{fid}")
    mapping = mp.mapping_from_table(table, values=suggested.values, generate_ids=gen)

    st.subheader(t("step_values"))
    todo = mp.needs_value_mapping(raw, mapping)
    if not todo:
        st.caption(t("step_values_none"))
    else:
        st.caption(t("step_values_help"))
    for col in todo:
        codes = [""] + list(mp.allowed_values(col))
        with st.expander(f"{wording.variable_label(col, lang_)} ({mapping.columns[col]})"):
            vt = st.data_editor(
                mp.value_table(raw, mapping, col),
                key=f"imp_vals_{fid}_{col}",
                hide_index=True,
                disabled=["value", "count"],
                num_rows="fixed",
                width="stretch",
                column_config={
                    "value": st.column_config.TextColumn(t("map_value")),
                    "count": st.column_config.NumberColumn(t("map_count")),
                    "code": st.column_config.SelectboxColumn(t("map_code"), options=codes),
                },
            )
            try:
                mapping.values[col] = mp.values_from_table(vt, col)
            except ValueError as exc:
                st.error(str(exc))

    st.subheader(t("step_preview"))
    show_table(mp.preview(raw, mapping, rows=10).astype("string"), key="imp_preview")

    st.subheader(t("step_check"))
    problems = mp.mapping_problems(raw, mapping, lang_)
    if len(problems):
        st.warning(t("problems"))
        show_table(problems[["message"]].rename(columns={"message": t("report_header_message")}), key="imp_problems")
    # the one import pipeline: read (above), map, validate, scrub, check the round; storage inserts
    prepared = pipeline.prepare_import(source, mapping=mapping, round=rounds[round_id])
    report = prepared.report
    if report.ok:
        st.success(t("check_ok", count=report.n_rows, r=rounds[round_id].name))
    else:
        st.error(t("check_bad", summary=report.error_summary(lang_)))
    if report.errors or report.warnings:
        show_table(_report_frame(report, lang_), key="imp_report")
    n_existing = ctx.storage.count_responses(round_id)
    confirm = None
    if n_existing:
        name = rounds[round_id].name
        st.warning(
            f"**{auth_t('confirm_round_header', lang_)}**  \n"
            + auth_t("confirm_round_text", lang_, name=name, n=n_existing),
            icon=":material/warning:",
        )
        confirm = st.text_input(auth_t("confirm_round_label", lang_), key="imp_confirm", max_chars=200)
    confirmed = not n_existing or actions.confirms(rounds[round_id].name, confirm)
    if st.button(
        t("import_button", r=rounds[round_id].name),
        type="primary",
        key="imp_go",
        disabled=not (report.ok and confirmed),
    ):
        try:
            n = actions.import_prepared(
                ctx.storage, prepared, round_id=round_id, actor=ctx.access.name, file=upload.name, confirm=confirm
            )
        except actions.ConfirmationNeeded:
            st.error(auth_t("confirm_round_wrong", lang_))
        except ImportRejected as exc:
            st.error(t("import_rejected"))
            show_table(_report_frame(exc.report, lang_), key="imp_rejected")
        except StorageError as exc:
            st.error(str(exc))
        else:
            clear_data_cache()
            st.success(t("import_done", count=n, r=rounds[round_id].name))
            held = ctx.storage.held_back(round_id)
            if held:  # a released round: the new rows stay out of the figures of gi and onderzoeker
                st.info(t("import_held", count=held, r=rounds[round_id].name))


def _selection(ctx: Context) -> str:
    """The filters of a download, for the audit log."""
    chosen = [f"{k}={','.join(v)}" for k, v in ctx.filters.items() if v]
    return "; ".join(chosen) or "no filters"


def render_export(ctx: Context) -> None:
    """Downloads: the selected responses (CSV, XLSX, SAV, Parquet) and the round report (.docx, .html)."""
    render_data_export(ctx)
    render_report(ctx)


def render_data_export(ctx: Context) -> None:
    """The selected responses as a file: row-level data, only for a scope with ``microdata``."""
    if not ctx.scope.microdata:
        return
    st.header(t("export_header"))
    st.caption(t("export_help") + " " + t("n_selected", count=len(ctx.df)))
    fmt = st.radio(
        t("export_format"),
        list(EXPORT_FORMATS),
        key="exp_format",
        horizontal=True,
        format_func=lambda f: EXPORT_FORMATS[f][1],
    )
    df = ctx.df
    st.download_button(
        t("export_button", f=EXPORT_FORMATS[fmt][1]),
        data=guard(lambda: frame_bytes(df, fmt), f"antwoorden.{fmt}", detail=_selection(ctx), action="microdata"),
        file_name=f"antwoorden.{fmt}",
        mime=EXPORT_FORMATS[fmt][0],
        key="exp_data",
        on_click="ignore",
        icon=":material/download:",
        disabled=df.empty,
    )


def render_report(ctx: Context, *, header: bool = True) -> None:
    """The round report of the selection (.docx, .html): aggregates with suppression, any role with "reports"."""
    if not _can(ctx, "reports"):
        return
    if header:
        st.header(t("report_header"))
        st.caption(t("report_help"))
    if report_waits(ctx):  # an institution on its own whose fieldwork started late and still runs
        return
    # the one protected table itself (all responses, one minimum cell size, issue 9 H1): the filters select from it
    full = protected(ctx.storage, ctx.scope)
    filters, min_cell, lang_ = dict(ctx.filters), full.min_cell, ctx.lang
    names = dict(ctx.options.round_names)  # rounds by name in the report's selection line
    if ctx.scope.gis is not None and not filters.get("gi"):
        filters["gi"] = list(ctx.scope.gis)  # the report names the institution(s) it covers
    with st.container(horizontal=True):
        st.download_button(
            t("report_docx"),
            key="exp_docx",
            on_click="ignore",
            icon=":material/description:",
            data=guard(
                lambda: round_report_docx(full, filters=filters, min_cell=min_cell, lang=lang_, round_names=names),
                "rondeverslag.docx",
                detail=_selection(ctx),
                action="reports",
            ),
            file_name="rondeverslag.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        st.download_button(
            t("report_html"),
            key="exp_html",
            on_click="ignore",
            icon=":material/web:",
            data=guard(
                lambda: round_report_html(
                    full, filters=filters, min_cell=min_cell, lang=lang_, round_names=names
                ).encode("utf-8"),
                "rondeverslag.html",
                detail=_selection(ctx),
                action="reports",
            ),
            file_name="rondeverslag.html",
            mime="text/html",
        )


def render_report_page(ctx: Context) -> None:
    """The Rondeverslag page: the selection's size, what the report holds, the two downloads."""
    selection_caption(ctx)
    st.write(auth_t("report_page_intro", ctx.lang))
    render_report(ctx, header=False)
