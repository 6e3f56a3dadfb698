"""Import en export: new rounds, importing files into a round, exports and reports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import contract, wording
from survey_app.auth import actions
from survey_app.auth.session import guard
from survey_app.auth.texts import t as auth_t

from .context import (
    TEXTS,
    Context,
    clear_data_cache,
    lang,
    selection_caption,
    t,
)
from .downloads import (
    show_table,
)

# --------------------------------------------------------------------------- import and export

TEXTS.update(
    {
        "io_title": ("Import en export", "Import and export"),
        "io_intro": (
            "Lees een bestand met antwoorden in (CSV, Excel, SPSS of Parquet), koppel de kolommen en "
            "antwoorden aan de vragenlijst, controleer het en zet het in een ronde. Een bestand met "
            "een fout wordt helemaal niet opgeslagen.",
            "Read a file of responses (CSV, Excel, SPSS or Parquet), match its columns and answers to "
            "the questionnaire, check it and put it in a round. A file with an error is not stored at all.",
        ),
        "import_header": ("Antwoorden inlezen", "Import responses"),
        "import_round": ("In welke ronde?", "Into which round?"),
        "import_no_rounds": (
            "Er is nog geen ronde. Maak eerst een ronde.",
            "There is no round yet. Make a round first.",
        ),
        "new_round": ("Nieuwe ronde maken", "Make a new round"),
        "new_round_name": ("Naam van de ronde", "Name of the round"),
        "new_round_gis": ("Instellingen", "Institutions"),
        "new_round_types": ("Wie vullen de vragenlijst in?", "Who fill in the questionnaire?"),
        "new_round_button": ("Ronde maken", "Make round"),
        "new_round_done": ("Ronde '{r}' is gemaakt.", "Round '{r}' was made."),
        "upload": ("Bestand", "File"),
        "upload_help": (
            "CSV (komma of puntkomma), Excel (.xlsx), SPSS (.sav) of Parquet.",
            "CSV (comma or semicolon), Excel (.xlsx), SPSS (.sav) or Parquet.",
        ),
        "unreadable": ("Het bestand kan niet worden gelezen: {r}", "The file cannot be read: {r}"),
        "file_shape": ("{n} rijen en {k} kolommen gelezen uit {f}.", "Read {n} rows and {k} columns from {f}."),
        "step_columns": ("1. Kolommen koppelen", "1. Match the columns"),
        "step_columns_help": (
            "Kies bij elke vraag de kolom uit uw bestand, of vul een vaste waarde in die voor alle rijen geldt.",
            "For each question choose the column of your file, or give a fixed value for all rows.",
        ),
        "generate_ids": (
            "Maak zelf een willekeurig antwoord-id voor rijen zonder id",
            "Make a random response id for rows without one",
        ),
        "step_values": ("2. Antwoorden koppelen", "2. Match the answers"),
        "step_values_none": ("Alle antwoorden zijn al geldige codes.", "All answers are valid codes already."),
        "step_values_help": (
            "Kies de code die bij elk antwoord hoort. Leeg = niet beantwoord.",
            "Choose the code for each answer. Empty = not answered.",
        ),
        "step_preview": ("3. Voorbeeld (eerste 10 rijen)", "3. Preview (first 10 rows)"),
        "step_check": ("4. Controleren en inlezen", "4. Check and import"),
        "problems": ("Nog op te lossen:", "Still to solve:"),
        "check_ok": (
            "Het bestand is goedgekeurd: {n} rijen kunnen in ronde '{r}'.",
            "The file is accepted: {n} rows can go into round '{r}'.",
        ),
        "check_bad": (
            "Het bestand is afgekeurd: {k} fouten. Er is niets opgeslagen.",
            "The file is rejected: {k} errors. Nothing was stored.",
        ),
        "import_button": ("Inlezen in ronde '{r}'", "Import into round '{r}'"),
        "import_done": ("{n} antwoorden zijn opgeslagen in ronde '{r}'.", "{n} responses were stored in round '{r}'."),
        "import_rejected": (
            "Niet ingelezen: er zijn fouten gevonden. Er is niets opgeslagen.",
            "Not imported: errors were found. Nothing was stored.",
        ),
        "export_header": ("Gegevens downloaden", "Download the data"),
        "export_help": (
            "De antwoorden van de gekozen selectie (links), met alle kolommen van het datacontract.",
            "The responses of the chosen selection (left), with every column of the data contract.",
        ),
        "export_format": ("Formaat", "Format"),
        "export_button": ("Download {f}", "Download {f}"),
        "report_header": ("Rondeverslag", "Round report"),
        "report_help": (
            "Alle figuren met tabellen, toetsen en uitleg over de methode, voor de gekozen selectie.",
            "Every figure with tables, tests and method notes, for the chosen selection.",
        ),
        "report_docx": ("Word (.docx)", "Word (.docx)"),
        "report_html": ("Webpagina (.html)", "Web page (.html)"),
    }
)

EXPORT_FORMATS = {
    "csv": ("text/csv", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "sav": ("application/x-spss-sav", "SPSS"),
    "parquet": ("application/vnd.apache.parquet", "Parquet"),
}
UPLOAD_TYPES = ["csv", "txt", "xlsx", "xlsm", "sav", "zsav", "parquet"]


def frame_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """Responses as file bytes (:func:`analysis.io.write_responses`, formula injection neutralised)."""
    import tempfile
    from pathlib import Path

    from analysis.io import write_responses

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"antwoorden.{fmt}"
        write_responses(df, path, format=fmt, sep=";" if fmt == "csv" else ",", bom=fmt == "csv")
        return path.read_bytes()


def _read_upload(upload) -> tuple[pd.DataFrame | None, str | None]:
    """The raw table of an uploaded file, read once per file (session state)."""
    from analysis.io import ReadError, read_frame_raw

    cache = st.session_state.setdefault("_imp_raw", {})
    fid = f"{upload.name}:{upload.size}:{getattr(upload, 'file_id', '')}"
    if fid not in cache:
        cache.clear()
        try:
            cache[fid] = (read_frame_raw(upload.getvalue(), file=upload.name), None)
        except ReadError as exc:
            cache[fid] = (None, exc.reason_nl if lang() == "nl" else exc.reason)
    return cache[fid]


def _can(ctx: Context, action: str) -> bool:
    return ctx.access is not None and ctx.access.can(action)


def render_new_round(ctx: Context) -> None:
    """A new round (roles with the action "rounds"; audited)."""
    from survey_app.storage import StorageError

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
                    st.success(t("new_round_done", r=info.id))


def _report_frame(report, lang_: str) -> pd.DataFrame:
    f = report.to_frame()
    msg = "message_nl" if lang_ == "nl" else "message"
    heads = (
        {"severity": "Soort", "row": "Rij", "column": "Kolom", "value": "Waarde", msg: "Melding"}
        if lang_ == "nl"
        else {"severity": "Kind", "row": "Row", "column": "Column", "value": "Value", msg: "Message"}
    )
    out = f[list(heads)].rename(columns=heads)
    sev = {"error": ("fout", "error"), "warning": ("waarschuwing", "warning")}
    out[heads["severity"]] = [sev.get(s, (s, s))[1 if lang_ == "en" else 0] for s in f["severity"]]
    return out


def render_import(ctx: Context) -> None:
    """Upload, column and value mapping with preview, validation report, all-or-nothing import.

    Only for roles with the action "import"; into a round that has answers
    only after typing the round's name (:mod:`survey_app.auth.actions`).
    """
    from analysis import mapping as mp
    from analysis.validation import validate_frame
    from survey_app.storage import ImportRejected, StorageError

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
    upload = st.file_uploader(t("upload"), type=UPLOAD_TYPES, key="imp_file", help=t("upload_help"))
    if upload is None:
        return
    raw, error = _read_upload(upload)
    if raw is None:
        st.error(t("unreadable", r=error))
        return
    st.caption(t("file_shape", n=len(raw), k=len(raw.columns), f=upload.name))
    fid = abs(hash((upload.name, upload.size))) % 10**8
    suggested = mp.suggest_mapping(raw, round_id=round_id)

    st.subheader(t("step_columns"))
    st.caption(t("step_columns_help"))
    sources = [""] + [str(c) for c in raw.columns]
    labels = {
        "column": "Kolom in datacontract" if lang_ == "nl" else "Contract column",
        "label": "Betekenis" if lang_ == "nl" else "Meaning",
        "required": "Verplicht" if lang_ == "nl" else "Required",
        "source": "Kolom in uw bestand" if lang_ == "nl" else "Column in your file",
        "constant": "Vaste waarde" if lang_ == "nl" else "Fixed value",
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
        codes = [""] + list(mp._allowed(col))
        with st.expander(f"{wording.variable_label(col, lang_)} ({mapping.columns[col]})"):
            vt = st.data_editor(
                mp.value_table(raw, mapping, col),
                key=f"imp_vals_{fid}_{col}",
                hide_index=True,
                disabled=["value", "count"],
                num_rows="fixed",
                width="stretch",
                column_config={
                    "value": st.column_config.TextColumn("Antwoord in bestand" if lang_ == "nl" else "Answer in file"),
                    "count": st.column_config.NumberColumn("Aantal" if lang_ == "nl" else "Count"),
                    "code": st.column_config.SelectboxColumn("Code", options=codes),
                },
            )
            try:
                mapping.values[col] = mp.values_from_table(vt, col)
            except ValueError as exc:
                st.error(str(exc))

    st.subheader(t("step_preview"))
    show_table(mp.preview(raw, mapping, rows=10).astype("string"), key="imp_preview")

    st.subheader(t("step_check"))
    problems = mp.mapping_problems(raw, mapping)
    if len(problems):
        st.warning(t("problems"))
        show_table(
            problems[["message_nl" if lang_ == "nl" else "message"]].rename(
                columns={"message_nl": "Melding", "message": "Message"}
            ),
            key="imp_problems",
        )
    mapped = mp.apply_mapping(raw, mapping)
    _, report = validate_frame(mapped, file=upload.name)
    if report.ok:
        st.success(t("check_ok", n=report.n_rows, r=round_id))
    else:
        st.error(t("check_bad", k=report.n_errors))
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
    if st.button(t("import_button", r=round_id), type="primary", key="imp_go", disabled=not (report.ok and confirmed)):
        try:
            n = actions.import_responses(
                ctx.storage, mapped, round_id=round_id, actor=ctx.access.name, file=upload.name, confirm=confirm
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
            st.success(t("import_done", n=n, r=round_id))


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
    st.caption(t("export_help") + " " + t("n_selected", n=len(ctx.df)))
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
    from analysis.document import round_report_docx, round_report_html

    if not _can(ctx, "reports"):
        return
    if header:
        st.header(t("report_header"))
        st.caption(t("report_help"))
    full = ctx.load({})
    filters, min_cell, lang_ = dict(ctx.filters), ctx.min_cell, ctx.lang
    if ctx.scope.gis is not None and not filters.get("gi"):
        filters["gi"] = list(ctx.scope.gis)  # the report names the institution(s) it covers
    with st.container(horizontal=True):
        st.download_button(
            t("report_docx"),
            key="exp_docx",
            on_click="ignore",
            icon=":material/description:",
            data=guard(
                lambda: round_report_docx(full, filters=filters, min_cell=min_cell, lang=lang_),
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
                lambda: round_report_html(full, filters=filters, min_cell=min_cell, lang=lang_).encode("utf-8"),
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
