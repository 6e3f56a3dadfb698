"""Shared render helpers of the dashboards: the one place pages get data, filters and widgets from.

A dashboard page is thin::

    ctx = ud.page_setup("overzicht", "overview_title")
    ud.render_key_numbers(ctx)
    ud.render_figures(ctx)

:func:`page_setup` sets the wide layout, draws the sidebar (language toggle
and the filters round, institution, respondent type, measure type and the
small-cell threshold), loads the data through
:func:`survey_app.data_access.load_data` (cached here, with bounds), writes
the title and the synthetic-data banner, and returns a :class:`Context`.

Everything shown is computed in :mod:`analysis` (figures, views, wording,
charts); this module only renders.  Texts are Dutch (B1) with English via
the language toggle (:data:`TEXTS`, :func:`t`).  Widget keys are stable:
``dash_lang``, ``flt_<filter>``, ``<page>_<name>``.

Free text from respondents is only ever shown with ``st.dataframe`` (plain
text), never as markdown or HTML.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from analysis import contract, views, wording
from analysis.figures import FigureResult, compute_figures
from analysis.report import is_synthetic

from . import data_access, navigation, ui
from .data_access import FilterOptions, Scope

LANG_KEY = navigation.LANG_KEY
MIN_CELL_KEY = "flt_min_cell"
FILTER_KEYS = {"round_id": "flt_round", "gi": "flt_gi", "respondent_type": "flt_rtype", "measure_type": "flt_measure"}
ALL_FILTERS = tuple(FILTER_KEYS)
#: Cache bounds: data are reloaded at least every CACHE_TTL seconds (new
#: submissions show up), and at most CACHE_ENTRIES selections are kept.
CACHE_TTL = 120
CACHE_ENTRIES = 32

TEXTS: dict[str, tuple[str, str]] = {
    "synthetic_banner": (
        "Synthetische voorbeelddata — geen echte antwoorden",
        "Synthetic sample data — not real answers",
    ),
    "language": ("Taal", "Language"),
    "filters": ("Selectie", "Selection"),
    "round_id": ("Ronde", "Round"),
    "gi": ("Instelling (GI)", "Institution (GI)"),
    "respondent_type": ("Type respondent", "Respondent type"),
    "measure_type": ("Soort maatregel", "Type of measure"),
    "all_rounds": ("Alle rondes", "All rounds"),
    "all_gis": ("Alle instellingen", "All institutions"),
    "all_types": ("Ouders en jeugdigen", "Parents and young people"),
    "all_measures": ("Alle maatregelen", "All measures"),
    "min_cell": ("Kleinste groep die we tonen (n)", "Smallest group shown (n)"),
    "min_cell_help": (
        "Groepen met minder antwoorden tonen geen cijfers. Nooit lager dan {m}.",
        "Groups with fewer answers show no numbers. Never below {m}.",
    ),
    "no_data": ("Er zijn geen antwoorden voor deze selectie.", "There are no answers for this selection."),
    "n_selected": ("{n} respondenten in deze selectie.", "{n} respondents in this selection."),
    "table_downloads": ("Tabel en downloads", "Table and downloads"),
    "download_png": ("PNG", "PNG"),
    "download_svg": ("SVG", "SVG"),
    "download_csv": ("CSV", "CSV"),
    "download_xlsx": ("Excel", "Excel"),
    "figure_hidden": (
        "Geen grafiek: te weinig respondenten (n = {n}, minder dan {m}).",
        "No chart: too few respondents (n = {n}, fewer than {m}).",
    ),
    # page titles
    "overview_title": ("Overzicht", "Overview"),
    "overview_intro": (
        "De figuren uit het inspectierapport, berekend op de gekozen selectie. "
        "Elk percentage heeft een 95%-betrouwbaarheidsinterval.",
        "The figures of the inspection report, computed on the chosen selection. "
        "Each percentage has a 95% confidence interval.",
    ),
    "key_numbers": ("Kerncijfers", "Key numbers"),
    "figures": ("Figuren", "Figures"),
    "reference_title": ("Inspectierapport 2025", "Inspection report 2025"),
    "reference_intro": (
        "Hier staan de cijfers uit het inspectierapport van 2025 naast dezelfde cijfers, "
        "berekend op de gekozen gegevens. Het rapport ging over alle vijf GI's samen.",
        "The figures of the 2025 inspection report next to the same figures computed "
        "from the chosen data. The report covered all five GIs together.",
    ),
    "reference_summary": (
        "{k} van de {n} gepubliceerde getallen komen overeen (na afronden zoals gedrukt).",
        "{k} of the {n} published numbers match (after rounding as printed).",
    ),
    "reference_metric": ("Getallen die overeenkomen met het rapport", "Numbers that match the report"),
    "reference_download": ("Vergelijking downloaden", "Download the comparison"),
    "comments_title": ("Opmerkingen", "Comments"),
    "comments_intro": (
        "Wat respondenten zelf schreven. Namen, telefoonnummers, e-mailadressen en dergelijke zijn weggehaald.",
        "What respondents wrote themselves. Names, phone numbers, e-mail addresses and the like have been removed.",
    ),
    "comments_which": ("Welke vraag", "Which question"),
    "comments_search": ("Zoek in de opmerkingen", "Search the comments"),
    "comments_hidden": (
        "De opmerkingen zijn verborgen: deze selectie heeft {n} respondenten, minder dan {m}. Kies een grotere groep.",
        "The comments are hidden: this selection has {n} respondents, fewer than {m}. Choose a larger group.",
    ),
    "comments_count": ("{k} opmerkingen van {n} respondenten.", "{k} comments from {n} respondents."),
}


def lang() -> str:
    """The chosen dashboard language ("nl" or "en")."""
    v = st.session_state.get(LANG_KEY) or st.session_state.get("_" + LANG_KEY) or "nl"
    return v if v in wording.LANGS else "nl"


def t(key: str, lang_: str | None = None, **fmt: Any) -> str:
    """Text ``key`` of :data:`TEXTS` in the chosen language."""
    nl, en = TEXTS[key]
    text = en if (lang_ or lang()) == "en" else nl
    return text.format(**fmt) if fmt else text


# --------------------------------------------------------------------------- cached data


def _url(storage) -> str:
    return getattr(storage, "url", repr(storage))


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _load(url: str, scope: Scope, filters_key: tuple, _storage) -> pd.DataFrame:
    return data_access.load_data(_storage, scope, dict(filters_key))


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _options(url: str, scope: Scope, _storage) -> FilterOptions:
    return data_access.filter_options(_storage, scope)


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _figures(url: str, scope: Scope, filters_key: tuple, min_cell: int, _storage) -> list[FigureResult]:
    return compute_figures(_load(url, scope, filters_key, _storage), min_cell=min_cell)


def load_data(storage, scope: Scope, filters: dict) -> pd.DataFrame:
    """:func:`survey_app.data_access.load_data`, cached (ttl :data:`CACHE_TTL`, :data:`CACHE_ENTRIES` entries)."""
    return _load(_url(storage), scope, data_access.filters_key(filters), storage)


def clear_data_cache() -> None:
    """Forget cached data (after an import), for every session."""
    _load.clear()
    _options.clear()
    _figures.clear()


# --------------------------------------------------------------------------- page set-up

DASH_CSS = """
<style>
  [data-testid="stMetricValue"] { font-size: clamp(1.35rem, 4.5vw, 2rem); }
  [data-testid="stMetricLabel"] p { white-space: normal; }
  /* charts shrink with the screen like an image in a report (no sideways scrolling on a phone) */
  [data-testid="stVegaLiteChart"] { max-width: 100%; }
  [data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas.marks {
      max-width: 100%; height: auto; }
</style>
"""


@dataclass
class Context:
    """What a page needs after :func:`page_setup`."""

    page: str
    lang: str
    storage: Any
    scope: Scope
    filters: dict
    min_cell: int
    df: pd.DataFrame
    options: FilterOptions
    synthetic: bool

    @property
    def filters_key(self) -> tuple:
        return data_access.filters_key(self.filters)

    def figures(self) -> list[FigureResult]:
        """Every contract figure on the filtered data (cached)."""
        return _figures(_url(self.storage), self.scope, self.filters_key, self.min_cell, self.storage)

    def filters_except(self, *names: str) -> dict:
        """The filters without ``names`` (e.g. a comparison needs every institution)."""
        return {k: (None if k in names else v) for k, v in self.filters.items()}

    def load(self, filters: dict) -> pd.DataFrame:
        """Data in scope with other ``filters`` (cached)."""
        return load_data(self.storage, self.scope, filters)


def _restore(key: str, allowed: Iterable | None = None) -> None:
    """Give a widget back its value from an earlier page (Streamlit drops it on a page switch)."""
    shadow = "_" + key
    if key not in st.session_state and shadow in st.session_state:
        value = st.session_state[shadow]
        if allowed is not None and isinstance(value, list):
            allowed = set(allowed)
            value = [v for v in value if v in allowed]
        st.session_state[key] = value


def _remember(key: str) -> None:
    if key in st.session_state:
        st.session_state["_" + key] = st.session_state[key]


def language_toggle() -> str:
    """Nederlands / English radio in the sidebar; returns the language."""
    _restore(LANG_KEY)
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = "nl"
    st.radio(
        t("language"),
        list(wording.LANGS),
        key=LANG_KEY,
        horizontal=True,
        format_func=lambda v: {"nl": "Nederlands", "en": "English"}[v],
    )
    _remember(LANG_KEY)
    return lang()


def filter_sidebar(
    options: FilterOptions, *, show: Sequence[str] = ALL_FILTERS, disabled: Sequence[str] = ()
) -> tuple[dict, int]:
    """The filter widgets; returns (filters, min_cell).  ``disabled`` filters are shown but not applied."""
    lang_ = lang()
    st.subheader(t("filters"))
    choices = {
        "round_id": (options.round_ids, str, "all_rounds"),
        "gi": (options.gis, lambda g: f"{g} — {contract.GI_NAMES[g]}" if g in contract.GI_NAMES else g, "all_gis"),
        "respondent_type": (
            options.respondent_types,
            lambda v: wording.category_label("respondent_type", v, lang_),
            "all_types",
        ),
        "measure_type": (
            options.measure_types,
            lambda v: wording.category_label("measure_type", v, lang_),
            "all_measures",
        ),
    }
    filters: dict = {name: None for name in ALL_FILTERS}
    for name in ALL_FILTERS:
        if name not in show:
            continue
        opts, fmt, placeholder = choices[name]
        key = FILTER_KEYS[name]
        _restore(key, opts)
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in set(opts)]
        value = st.multiselect(
            t(name), list(opts), key=key, format_func=fmt, placeholder=t(placeholder), disabled=name in disabled
        )
        _remember(key)
        if name not in disabled and value:
            filters[name] = list(value)
    _restore(MIN_CELL_KEY)
    min_cell = st.number_input(
        t("min_cell"),
        min_value=contract.DEFAULT_MIN_CELL,
        max_value=1000,
        value=contract.DEFAULT_MIN_CELL,
        step=1,
        key=MIN_CELL_KEY,
        help=t("min_cell_help", m=contract.DEFAULT_MIN_CELL),
    )
    _remember(MIN_CELL_KEY)
    return filters, int(min_cell)


def page_setup(
    page: str,
    title_key: str,
    *,
    show_filters: Sequence[str] = ALL_FILTERS,
    disabled_filters: Sequence[str] = (),
    intro_key: str | None = None,
) -> Context:
    """Layout, sidebar, data, title and synthetic banner of a dashboard page."""
    st.set_page_config(page_title=t(title_key), layout="wide")
    ui.inject_css()
    st.html(DASH_CSS)
    storage = ui.get_storage()
    scope = data_access.current_scope()
    options = _options(_url(storage), scope, storage)
    with st.sidebar:
        lang_ = language_toggle()
        filters, min_cell = filter_sidebar(options, show=show_filters, disabled=disabled_filters)
    df = load_data(storage, scope, filters)
    st.title(t(title_key))
    synthetic = is_synthetic(df, filters) or (
        df.empty and any(r.startswith("demo-synthetisch") for r in options.round_ids)
    )
    if synthetic:
        synthetic_banner(lang_)
    if intro_key:
        st.write(t(intro_key))
    return Context(
        page=page,
        lang=lang_,
        storage=storage,
        scope=scope,
        filters=filters,
        min_cell=min_cell,
        df=df,
        options=options,
        synthetic=synthetic,
    )


def synthetic_banner(lang_: str | None = None) -> None:
    """The clear warning on every page that shows synthetic data."""
    st.warning(f"**{t('synthetic_banner', lang_)}**", icon=":material/science:")


def no_data() -> None:
    st.info(t("no_data"), icon=":material/info:")


def selection_caption(ctx: Context) -> None:
    st.caption(t("n_selected", n=len(ctx.df)))


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
    """PNG and SVG of a chart, CSV and XLSX of a table; files are made only when clicked."""
    from analysis import charts

    def _table() -> pd.DataFrame:
        return table() if callable(table) else table

    with st.container(horizontal=True, gap="small"):
        if chart is not None:
            st.download_button(
                t("download_png"),
                data=lambda c=chart: charts.chart_bytes(c, "png"),
                file_name=f"{basename}.png",
                mime="image/png",
                key=f"{key}_png",
                on_click="ignore",
                icon=":material/image:",
            )
            st.download_button(
                t("download_svg"),
                data=lambda c=chart: charts.chart_bytes(c, "svg"),
                file_name=f"{basename}.svg",
                mime="image/svg+xml",
                key=f"{key}_svg",
                on_click="ignore",
                icon=":material/image:",
            )
        if table is not None:
            st.download_button(
                t("download_csv"),
                data=lambda: table_csv(_table()),
                file_name=f"{basename}.csv",
                mime="text/csv",
                key=f"{key}_csv",
                on_click="ignore",
                icon=":material/table:",
            )
            st.download_button(
                t("download_xlsx"),
                data=lambda: table_xlsx(_table()),
                file_name=f"{basename}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key=f"{key}_xlsx",
                on_click="ignore",
                icon=":material/table:",
            )


def show_table(table: pd.DataFrame, *, key: str | None = None) -> None:
    """A display table (strings) as plain text cells."""
    st.dataframe(table, hide_index=True, width="stretch", key=key)


# --------------------------------------------------------------------------- overview


def render_key_numbers(ctx: Context) -> None:
    """Respondents, parents, young people, share with a period without a worker, mean grade."""
    st.subheader(t("key_numbers"))
    kn = views.key_numbers(ctx.df, min_cell=ctx.min_cell)
    items = views.key_number_texts(kn, lang=ctx.lang, min_cell=ctx.min_cell)
    with st.container(horizontal=True, gap="small", key="key_numbers"):
        for item in items:
            with st.container(border=True, width=160, key=f"key_{item['key']}"):
                st.metric(item["label"], item["value"])
                if item["detail"]:
                    st.caption(item["detail"])


def figure_chart(ctx: Context, fig: FigureResult):
    """The Altair chart of a figure (:func:`analysis.charts.figure_chart`, house theme)."""
    from analysis import charts

    return charts.figure_chart(fig, lang=ctx.lang, min_cell=ctx.min_cell, synthetic=ctx.synthetic)


def render_figure(ctx: Context, fig: FigureResult, number: int) -> None:
    """One figure as in the report: title, chart, caption, test sentence, table and downloads."""
    from analysis.document import figure_caption, figure_notes

    lang_ = ctx.lang
    with st.container(key=f"fig_{fig.id}"):
        st.subheader(f"{number}. {wording.figure_title(fig, lang_)}")
        st.caption(wording.figure_subtitle(fig, lang_))
        chart = figure_chart(ctx, fig)
        st.altair_chart(chart, width="content", key=f"{ctx.page}_chart_{fig.id}")
        if fig.suppressed:
            st.info(t("figure_hidden", n=fig.base_n, m=ctx.min_cell), icon=":material/visibility_off:")
        st.caption(figure_caption(fig, number, lang=lang_))
        for i, note in enumerate(figure_notes(fig, lang=lang_)):
            (st.markdown(f"**{note}**") if i == 0 else st.caption(note))
        with st.expander(t("table_downloads")):
            show_table(wording.display_table(fig, lang=lang_, min_cell=ctx.min_cell))
            download_buttons(
                f"{ctx.page}_{fig.id}",
                f"figuur-{number:02d}-{fig.id}",
                chart=chart,
                table=lambda f=fig: wording.labelled_table(f, lang=lang_),
            )


def render_figures(ctx: Context) -> None:
    """Every contract figure in report order."""
    st.subheader(t("figures"))
    for i, fig in enumerate(ctx.figures(), start=1):
        render_figure(ctx, fig, i)


# --------------------------------------------------------------------------- inspection report


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _reference(url: str, scope: Scope, filters_key: tuple, min_cell: int, _storage) -> pd.DataFrame:
    from analysis.reference import compare_to_published

    return compare_to_published(_load(url, scope, filters_key, _storage), min_cell=min_cell)


def render_reference(ctx: Context) -> None:
    """Published 2025 figures next to the computed ones, figure by figure."""
    from analysis import charts_compare

    cmp = _reference(_url(ctx.storage), ctx.scope, ctx.filters_key, ctx.min_cell, ctx.storage)
    view = views.reference_view(cmp, lang=ctx.lang)
    st.metric(t("reference_metric"), f"{int(cmp['match'].sum())} / {len(cmp)}", border=True, width=320)
    st.caption(t("reference_summary", k=int(cmp["match"].sum()), n=len(cmp)))
    heads = views.reference_headers(ctx.lang)
    for figure, block in view.groupby("figure", sort=False):
        with st.container(key=f"ref_{figure}"):
            st.subheader(block["figure_title"].iloc[0])
            chart = charts_compare.reference_chart(cmp[cmp["figure"] == figure], block, lang=ctx.lang)
            if chart is not None:
                st.altair_chart(chart, width="content", key=f"{ctx.page}_chart_{figure}")
            show_table(block[list(heads)].rename(columns=heads))
    download_buttons(f"{ctx.page}_all", "vergelijking-inspectierapport-2025", table=cmp)


# --------------------------------------------------------------------------- comments


def render_comments(ctx: Context) -> None:
    """The scrubbed comments as plain text; hidden when the selection is under min_cell."""
    lang_ = ctx.lang
    which = st.multiselect(
        t("comments_which"),
        list(contract.COMMENT_COLUMNS),
        default=list(contract.COMMENT_COLUMNS),
        key=f"{ctx.page}_which",
        format_func=lambda c: wording.variable_label(c, lang_),
    )
    search = st.text_input(t("comments_search"), key=f"{ctx.page}_search", max_chars=100)
    view = views.comments_view(
        ctx.df,
        min_cell=ctx.min_cell,
        columns=which or contract.COMMENT_COLUMNS,
        search=search.strip() or None,
        lang=lang_,
    )
    if view.suppressed:
        st.info(t("comments_hidden", n=view.n_respondents, m=ctx.min_cell), icon=":material/visibility_off:")
        return
    st.caption(t("comments_count", k=view.n_comments, n=view.n_respondents))
    show_table(view.table, key=f"{ctx.page}_table")


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


def render_new_round(ctx: Context) -> None:
    from .storage import StorageError

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
                    info, _ = ctx.storage.create_round(name=name, gis=gis, respondent_types=types)
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
    """Upload, column and value mapping with preview, validation report, all-or-nothing import."""
    from analysis import mapping as mp
    from analysis.validation import validate_frame

    from .storage import ImportRejected, StorageError

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
    if st.button(t("import_button", r=round_id), type="primary", key="imp_go", disabled=not report.ok):
        try:
            n = ctx.storage.import_responses(mapped, round_id=round_id, file=upload.name)
        except ImportRejected as exc:
            st.error(t("import_rejected"))
            show_table(_report_frame(exc.report, lang_), key="imp_rejected")
        except StorageError as exc:
            st.error(str(exc))
        else:
            clear_data_cache()
            st.success(t("import_done", n=n, r=round_id))


def render_export(ctx: Context) -> None:
    """Downloads: the selected responses (CSV, XLSX, SAV, Parquet) and the round report (.docx, .html)."""
    from analysis.document import round_report_docx, round_report_html

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
        data=lambda: frame_bytes(df, fmt),
        file_name=f"antwoorden.{fmt}",
        mime=EXPORT_FORMATS[fmt][0],
        key="exp_data",
        on_click="ignore",
        icon=":material/download:",
        disabled=df.empty,
    )

    st.header(t("report_header"))
    st.caption(t("report_help"))
    full = ctx.load({})
    filters, min_cell, lang_ = dict(ctx.filters), ctx.min_cell, ctx.lang
    with st.container(horizontal=True):
        st.download_button(
            t("report_docx"),
            key="exp_docx",
            on_click="ignore",
            icon=":material/description:",
            data=lambda: round_report_docx(full, filters=filters, min_cell=min_cell, lang=lang_),
            file_name="rondeverslag.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        st.download_button(
            t("report_html"),
            key="exp_html",
            on_click="ignore",
            icon=":material/web:",
            data=lambda: round_report_html(full, filters=filters, min_cell=min_cell, lang=lang_).encode("utf-8"),
            file_name="rondeverslag.html",
            mime="text/html",
        )


# --------------------------------------------------------------------------- comparisons

TEXTS.update(
    {
        "compare_title": ("Vergelijken", "Compare"),
        "compare_intro": (
            "Vergelijk één instelling met alle andere GI's samen, of een ronde met een eerdere "
            "ronde. Per vraag ziet u het verschil met een 95%-betrouwbaarheidsinterval. De "
            "p-waarden zijn gecorrigeerd voor het aantal vragen (Holm).",
            "Compare one institution with all other GIs together, or a round with an earlier "
            "round. For each question you see the difference with a 95% confidence interval. "
            "The p-values are corrected for the number of questions (Holm).",
        ),
        "cmp_mode": ("Wat wilt u vergelijken?", "What do you want to compare?"),
        "cmp_mode_gi": ("Een instelling met alle andere GI's samen", "An institution with all other GIs together"),
        "cmp_mode_round": ("Een ronde met een eerdere ronde", "A round with an earlier round"),
        "cmp_gi": ("Instelling", "Institution"),
        "cmp_round_a": ("Ronde", "Round"),
        "cmp_round_b": ("Eerdere ronde", "Earlier round"),
        "cmp_one_round": (
            "Er is maar één ronde met antwoorden; vergelijken tussen rondes kan nog niet.",
            "There is only one round with responses; comparing rounds is not possible yet.",
        ),
        "cmp_no_gis": (
            "Er zijn minder dan twee instellingen met antwoorden.",
            "There are fewer than two institutions with responses.",
        ),
        "cmp_filter_note": (
            "Het filter '{f}' links telt hier niet mee: de vergelijking heeft alle {w} nodig.",
            "The filter '{f}' on the left is not used here: the comparison needs every {w}.",
        ),
        "cmp_significant": ("Significante verschillen (Holm, p < 0,05):", "Significant differences (Holm, p < 0.05):"),
        "cmp_none": (
            "Geen enkel verschil is significant na correctie voor het aantal vragen (Holm).",
            "No difference is significant after correcting for the number of questions (Holm).",
        ),
        "cmp_method": (
            "Percentages: verschil in procentpunten met het Newcombe-interval en de z-toets voor twee "
            "proporties. Rapportcijfer: verschil van gemiddelden met het Welch-interval en de "
            "Mann-Whitney-toets. Een gevuld bolletje is significant na Holm-correctie; een open "
            "bolletje niet. Een vraag met minder dan {m} antwoorden aan een kant toont geen cijfers.",
            "Percentages: difference in percentage points with the Newcombe interval and the "
            "two-proportion z-test. Grade: difference of means with the Welch interval and the "
            "Mann-Whitney test. A filled dot is significant after Holm correction; an open dot is "
            "not. A question with fewer than {m} answers on one side shows no numbers.",
        ),
        "cmp_all_sentences": ("Alle vragen in woorden", "All questions in words"),
    }
)

COMPARE_MODE_KEY = "cmp_mode"


def compare_disabled_filters() -> tuple[str, ...]:
    """The sidebar filter the chosen comparison ignores (institution, or round)."""
    mode = st.session_state.get(COMPARE_MODE_KEY) or st.session_state.get("_" + COMPARE_MODE_KEY) or "gi"
    return ("gi",) if mode == "gi" else ("round_id",)


def render_compare(ctx: Context) -> None:
    """Institution vs all other GIs together, or round vs earlier round: chart, sentences, table."""
    from analysis import charts_compare
    from analysis.compare import compare_groups, compare_institution

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
        if len(gis) < 2:
            st.info(t("cmp_no_gis"))
            return
        _restore("cmp_gi", gis)
        gi = st.selectbox(t("cmp_gi"), gis, key="cmp_gi", format_func=lambda g: f"{g} — {contract.GI_NAMES.get(g, g)}")
        _remember("cmp_gi")
        if st.session_state.get(FILTER_KEYS["gi"]):
            st.caption(t("cmp_filter_note", f=t("gi"), w="instellingen" if lang_ == "nl" else "institutions"))
        df = ctx.load(ctx.filters_except("gi"))
        cmp = compare_institution(df, gi=gi, min_cell=ctx.min_cell)
        a_label, b_label = gi, wording.group_label("gi", "rest", lang_)
    else:
        rounds = [r for r in ctx.options.round_ids]
        if len(rounds) < 2:
            st.info(t("cmp_one_round"))
            return
        _restore("cmp_round_a", rounds)
        a = st.selectbox(t("cmp_round_a"), rounds, key="cmp_round_a")
        _remember("cmp_round_a")
        earlier = [r for r in rounds if r != a]
        _restore("cmp_round_b", earlier)
        b = st.selectbox(t("cmp_round_b"), earlier, key="cmp_round_b")
        _remember("cmp_round_b")
        if st.session_state.get(FILTER_KEYS["round_id"]):
            st.caption(t("cmp_filter_note", f=t("round_id"), w="rondes" if lang_ == "nl" else "rounds"))
        df = ctx.load(ctx.filters_except("round_id"))
        cmp = compare_groups(df, by="round_id", a=a, b=b, min_cell=ctx.min_cell)
        a_label, b_label = a, b
    chart = charts_compare.comparison_chart(cmp, lang=lang_, a_label=a_label, b_label=b_label, min_cell=ctx.min_cell)
    with st.container(key="compare_chart"):
        st.altair_chart(chart, width="content", key=f"{ctx.page}_chart")
    st.caption(t("cmp_method", m=ctx.min_cell))
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
            f"{ctx.page}_cmp", f"vergelijking-{a_label}-{'rest' if mode == 'gi' else b_label}", chart=chart, table=cmp
        )


# --------------------------------------------------------------------------- relations and models

TEXTS.update(
    {
        "relations_title": ("Verbanden", "Relations"),
        "relations_intro": (
            "Kies twee vragen en zie hoe de antwoorden samenhangen. Daaronder kunt u een model "
            "voor het rapportcijfer maken.",
            "Choose two questions and see how the answers are related. Below you can build a "
            "model of the report grade.",
        ),
        "rel_x": ("Eerste vraag", "First question"),
        "rel_y": ("Tweede vraag", "Second question"),
        "rel_same": ("Kies twee verschillende vragen.", "Choose two different questions."),
        "rel_crosstab": ("Kruistabel (percentages per rij)", "Cross table (row percentages)"),
        "rel_box": ("Rapportcijfer per groep", "Grade by group"),
        "rel_box_note": (
            "Blauwe balk: middelste helft van de cijfers (kwartielen); streep: mediaan; oranje: "
            "gemiddelde met 95%-betrouwbaarheidsinterval. Geen uitersten: die zijn van één persoon.",
            "Blue bar: middle half of the grades (quartiles); tick: median; orange: mean with "
            "95% confidence interval. No extremes: they belong to one person.",
        ),
        "rel_assoc": ("Samenhang", "Association"),
        "rel_suppressed_note": (
            "Cellen met minder dan {m} antwoorden zijn verborgen (grijs); soms ook een "
            "extra cel, zodat niemand het verborgen aantal kan terugrekenen.",
            "Cells with fewer than {m} answers are hidden (grey); sometimes one more cell "
            "too, so nobody can work out the hidden number.",
        ),
        "model_header": ("Model voor het rapportcijfer", "Model of the report grade"),
        "model_predictors": ("Verklarende vragen", "Explanatory questions"),
        "model_kind": ("Soort model", "Kind of model"),
        "model_ols": ("Lineair (OLS, robuuste HC3-standaardfouten)", "Linear (OLS, robust HC3 standard errors)"),
        "model_ordinal": ("Ordinaal (proportionele odds, logit)", "Ordinal (proportional odds, logit)"),
        "model_nworkers": ("Aantal jeugdzorgwerkers als", "Number of workers as"),
        "model_numeric": ("getal (één effect per extra werker)", "number (one effect per extra worker)"),
        "model_categorical": ("groepen (0 is de vergelijkingsgroep)", "groups (0 is the reference)"),
        "model_weights": ("Frequentiegewichten (kolom)", "Frequency weights (column)"),
        "model_no_weights": ("Geen", "None"),
        "model_weights_none": (
            "Deze gegevens hebben geen kolom met frequentiegewichten; het model telt elke respondent één keer.",
            "These data have no column of frequency weights; the model counts every respondent once.",
        ),
        "model_choose": ("Kies een of meer verklarende vragen.", "Choose one or more explanatory questions."),
        "model_reading_ols": (
            "Een coëfficiënt is het verschil in rapportcijfer met de vergelijkingsgroep (de "
            "eerste antwoordmogelijkheid), bij gelijke andere vragen.",
            "A coefficient is the difference in grade with the reference group (the first "
            "answer option), other questions being equal.",
        ),
        "model_reading_ordinal": (
            "Een positieve coëfficiënt betekent: meer kans op een hoger cijfer dan de "
            "vergelijkingsgroep (log-odds). Drempels staan in de tabel.",
            "A positive coefficient means: more chance of a higher grade than the reference "
            "group (log-odds). Cut-points are in the table.",
        ),
        "model_fit": ("Modelmaten", "Fit statistics"),
    }
)

#: Columns offered on the Verbanden page (analysable with analysis.relations).
RELATION_COLUMNS = (
    "gi",
    "round_id",
    "respondent_type",
    "measure_type",
    "n_workers",
    "had_gap",
    "contact_one_on_one",
    "explained_at_start",
    "opinion_asked",
    "involved_in_decisions",
    "asked_life_domains",
    "asked_safety",
    "say_in_plan",
    "help_improves",
    *contract.QUALITY_ITEMS,
    "grade",
)


@st.cache_data(ttl=CACHE_TTL, max_entries=CACHE_ENTRIES, show_spinner=False)
def _model(
    url: str,
    scope: Scope,
    filters_key: tuple,
    min_cell: int,
    predictors: tuple,
    kind: str,
    n_workers_as: str,
    weights: str | None,
    _storage,
):
    from analysis import models

    df = _load(url, scope, filters_key, _storage)
    if kind == "ols":
        kw = dict(predictors=list(predictors), weights=weights, n_workers_as=n_workers_as, min_cell=min_cell)
        return models.ols_grade(df, **kw), models.ols_grade_fit(df, **kw)
    kw = dict(predictors=list(predictors), weights=weights, n_workers_as=n_workers_as, min_cell=min_cell)
    return models.ordinal_grade(df, **kw), models.ordinal_grade_fit(df, **kw)


def render_relations(ctx: Context) -> None:
    """Two variables: cross table + heat map, or grade box plot; association measures."""
    from analysis import charts_compare
    from analysis.relations import association, crosstab, variable_kind

    lang_ = ctx.lang
    cols = list(RELATION_COLUMNS)
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
    kx, ky = variable_kind(x), variable_kind(y)
    if "interval" in (kx, ky):
        group = x if ky == "interval" else y
        st.subheader(t("rel_box"))
        summary = views.grade_summary_by_group(ctx.df, group=group, min_cell=ctx.min_cell)
        chart = charts_compare.grade_boxplot(summary, group=group, lang=lang_, min_cell=ctx.min_cell)
        st.altair_chart(chart, width="content", key=f"{ctx.page}_box")
        st.caption(t("rel_box_note"))
        table = views.grade_summary_view(summary, group=group, lang=lang_, min_cell=ctx.min_cell)
        raw = summary
    else:
        st.subheader(t("rel_crosstab"))
        ct = crosstab(ctx.df, row=x, col=y, min_cell=ctx.min_cell)
        chart = charts_compare.crosstab_heatmap(ct, row=x, col=y, lang=lang_, min_cell=ctx.min_cell)
        st.altair_chart(chart, width="content", key=f"{ctx.page}_heat")
        st.caption(t("rel_suppressed_note", m=ctx.min_cell))
        table = views.crosstab_view(ct, row=x, col=y, lang=lang_, min_cell=ctx.min_cell)
        raw = views.crosstab_labelled(ct, row=x, col=y, lang=lang_)
    with st.expander(t("table_downloads"), expanded=True):
        show_table(table, key=f"{ctx.page}_rel_table")
        download_buttons(f"{ctx.page}_rel", f"verband-{x}-{y}", chart=chart, table=raw)
    st.subheader(t("rel_assoc"))
    assoc = association(ctx.df, x=x, y=y, min_cell=ctx.min_cell)
    show_table(views.association_view(assoc, lang=lang_, min_cell=ctx.min_cell), key=f"{ctx.page}_assoc")


def render_model_builder(ctx: Context) -> None:
    """Model of the grade: predictors, OLS (HC3) or ordinal logit, optional frequency weights."""
    from analysis import charts_compare, models

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
        kind = st.radio(t("model_kind"), ["ols", "ordinal"], key="model_kind", format_func=lambda k: t("model_" + k))
        _remember("model_kind")
        _restore("model_nworkers")
        nw = st.radio(
            t("model_nworkers"),
            ["numeric", "categorical"],
            key="model_nworkers",
            format_func=lambda k: t("model_" + k),
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
        coefs, fit = _model(
            _url(ctx.storage), ctx.scope, ctx.filters_key, ctx.min_cell, tuple(preds), kind, nw, weights, ctx.storage
        )
    except models.ModelRefused as exc:
        st.warning(views.refusal_text(exc, lang_), icon=":material/block:")
        return
    except ValueError as exc:
        st.warning(str(exc))
        return
    st.caption(t("model_reading_ols" if kind == "ols" else "model_reading_ordinal"))
    chart = charts_compare.coefficient_chart(coefs, lang=lang_)
    with st.container(key="model_chart"):
        st.altair_chart(chart, width="content", key=f"{ctx.page}_coef")
    show_table(views.model_view(coefs, lang=lang_), key=f"{ctx.page}_coefs")
    st.subheader(t("model_fit"))
    show_table(views.fit_view(fit, lang=lang_), key=f"{ctx.page}_fit")
    download_buttons(f"{ctx.page}_model", f"model-rapportcijfer-{kind}", chart=chart, table=coefs)
