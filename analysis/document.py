"""The round report as documents: Word (.docx) and one self-contained HTML file.

Both documents hold the same content (:func:`build_report`):

* the title, the selection (round, institution, respondent type, measure
  type) and, for the synthetic demo data, the warning "Synthetische
  voorbeelddata — geen echte antwoorden";
* the key numbers (:func:`analysis.views.key_numbers`): respondents, parents, young
  people, share with a period without a worker, mean grade;
* every figure of the contract (``contract.FIGURE_IDS``, 13), each with a
  numbered heading, its chart (:mod:`analysis.charts`), a caption with the
  base n and figure id, and its table with n, percentage or mean and the
  95 % interval (:func:`analysis.wording.display_table`); the grade by
  number of workers also gets its trend test in words;
* method notes: Wilson and t intervals, Kruskal-Wallis, Spearman,
  Jonckheere-Terpstra, the small-cell rule and rounding.

Small cells are suppressed after the filters (the figures are computed on
the filtered frame); a suppressed figure shows its base and "te weinig
respondenten (n < 10)" in its chart and table, no estimate.  A group of at
least ``min_cell`` hidden by secondary suppression (so that a small group
cannot be worked out from the total) says "verborgen om een kleine groep te
beschermen" instead (:func:`analysis.wording.suppressed_text`).

The HTML embeds its charts as SVG data URIs and its style inline: it opens
offline, without any request to another site.  Pure: no streamlit, no
database, no files written.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from . import charts, contract, i18n, wording
from .figures import FigureResult
from .filters import normalize_filter_value
from .protection import ProtectedData, normalize_view_filters, protect
from .report import is_synthetic
from .views import key_number_texts

#: The method notes, in order: ``document.method.<name>.heading`` and ``.text`` in the catalog.
METHOD_NOTES: tuple[str, ...] = (
    "percentages",
    "wilson",
    "t_interval",
    "kruskal_wallis",
    "spearman",
    "jonckheere_terpstra",
    "small_groups",
    "rounding",
)


def _t(key: str, lang: str, **params: Any) -> str:
    return i18n.text(key, lang, **params)


# --------------------------------------------------------------------------- content


def selection_lines(
    filters: Mapping[str, Any] | None, *, lang: str = "nl", round_names: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(label, value) per filter, in the order round, institution, respondent type, measure type.

    Rounds are shown by name when ``round_names`` (``{round_id: name}``) knows them.
    """
    filters = filters or {}
    names = round_names or {}
    out = []
    for name in ("round_id", "gi", "respondent_type", "measure_type"):
        vals = normalize_filter_value(name, filters.get(name) or None)
        label = i18n.text("document.filter." + name, lang)
        if vals is None:
            shown = _t("document.all", lang)
        elif name in ("respondent_type", "measure_type"):
            shown = ", ".join(wording.category_label(name, v, lang) for v in vals)
        elif name == "round_id":
            shown = ", ".join(names.get(v, v) for v in vals)
        else:
            shown = ", ".join(vals)
        out.append((label, shown))
    return out


@dataclass
class FigureSection:
    """One figure of the report, ready to render."""

    number: int
    figure: FigureResult
    heading: str
    caption: str
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.figure.id


@dataclass
class ReportContent:
    """Everything a round report shows (see the module docstring)."""

    title: str
    lang: str
    synthetic: bool
    n_respondents: int | None
    min_cell: int
    selection: list[tuple[str, str]]
    key_numbers: list[dict[str, str]]
    sections: list[FigureSection]
    methods: list[tuple[str, str]]
    general_notes: list[str]


def figure_caption(fig: FigureResult, number: int | None, *, lang: str = "nl") -> str:
    """ "Figuur 3 (opinion_asked). Basis: n = 1523. Percentages met 95%-..." """
    head = f"{_t('document.figure', lang)} {number} ({fig.id})" if number is not None else f"{fig.id}"
    base = f"{_t('document.base', lang)}: n = {wording.size_text(fig.base_n, fig.base_n_below, lang)}"
    if fig.suppressed:
        return f"{head}. {base}. {wording.suppressed_text(fig.min_cell, lang, n=fig.base_n)}."
    what = _t("document.chart_caption_mean" if fig.kind == "mean_by_group" else "document.chart_caption", lang)
    return f"{head}. {base}. {what}"


def figure_notes(fig: FigureResult, *, lang: str = "nl") -> list[str]:
    """Sentences under a figure: the trend test for grade_by_workers."""
    if fig.id != "grade_by_workers":
        return []
    notes = [wording.trend_sentence(fig.tests, lang=lang)]
    details = wording.trend_details(fig.tests, lang=lang)
    if details:
        notes.append(details)
    return notes


def method_notes(*, lang: str = "nl", min_cell: int = contract.DEFAULT_MIN_CELL) -> list[tuple[str, str]]:
    """(heading, text) pairs of the method section."""
    params = {"min_cell": min_cell, "indicative_below": contract.INDICATIVE_BELOW}
    return [
        (i18n.text(f"document.method.{name}.heading", lang), i18n.text(f"document.method.{name}.text", lang, **params))
        for name in METHOD_NOTES
    ]


def build_report(
    df: pd.DataFrame | ProtectedData,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int | None = None,
    lang: str = "nl",
    title: str | None = None,
    round_names: Mapping[str, str] | None = None,
) -> ReportContent:
    """Every figure, key number and text of the report, read from the protected table of ``df``.

    ``df`` is the whole data set, or its protected table itself (a
    :class:`~analysis.protection.ProtectedData`, as the dashboards pass it:
    then the report is read from that very table, issue 9 H1); the filters
    (each one value or all) select from its one protected table
    (:mod:`analysis.protection`, issue 9).  ``min_cell``: None for the
    contract default, or the table's; a table of another ``min_cell`` is
    refused (:class:`ValueError`).  ``n_respondents`` is None when the
    selection itself is hidden.
    """
    wording._lang(lang)
    if isinstance(df, ProtectedData):
        data = df
        if min_cell is not None and contract.check_min_cell(min_cell) != data.min_cell:
            raise ValueError(f"min_cell {min_cell} is not the protected table's ({data.min_cell})")
    else:
        data = protect(df, min_cell=contract.DEFAULT_MIN_CELL if min_cell is None else min_cell)
    min_cell = data.min_cell
    filters = {k: v for k, v in (filters or {}).items() if v is not None and v != [] and v != ()}
    view = data.view(normalize_view_filters(filters))
    sub = view.sub
    figs = view.figures()
    sections = []
    for i, fig in enumerate(figs, start=1):
        sections.append(
            FigureSection(
                number=i,
                figure=fig,
                heading=f"{_t('document.figure', lang)} {i}. {wording.figure_title(fig, lang)}",
                caption=figure_caption(fig, i, lang=lang),
                table=wording.display_table(fig, lang=lang),
                notes=figure_notes(fig, lang=lang),
            )
        )
    general = [
        _t("document.min_cell_line", lang, min_cell=min_cell),
        _t("document.indicative_line", lang, indicative_below=contract.INDICATIVE_BELOW),
    ]
    return ReportContent(
        title=title or _t("document.title", lang),
        lang=lang,
        synthetic=is_synthetic(sub, filters),
        n_respondents=view.respondents.n,
        min_cell=min_cell,
        selection=selection_lines(filters, lang=lang, round_names=round_names),
        key_numbers=key_number_texts(view.key_numbers(), lang=lang, min_cell=min_cell),
        sections=sections,
        methods=method_notes(lang=lang, min_cell=min_cell),
        general_notes=general,
    )


def chart_image(
    fig: FigureResult,
    *,
    lang: str = "nl",
    format: str = "png",
    synthetic: bool = False,
) -> bytes:
    """The figure's chart as PNG or SVG bytes (:func:`analysis.charts.figure_chart`).

    A suppressed figure gets the chart that says "te weinig respondenten".
    """
    chart = charts.figure_chart(fig, lang=lang, synthetic=synthetic)
    return charts.chart_bytes(chart, format)


# --------------------------------------------------------------------------- docx


def round_report_docx(
    df: pd.DataFrame | ProtectedData,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int | None = None,
    lang: str = "nl",
    title: str | None = None,
    round_names: Mapping[str, str] | None = None,
) -> bytes:
    """The round report as a Word document (python-docx); returns the .docx bytes.

    Every figure gets a level-2 heading "Figuur i. <title>", its chart as a
    PNG picture (a suppressed figure's chart says "te weinig respondenten"),
    a caption and a table.
    Document properties carry the title only (no author, no user name).
    """
    content = build_report(df, filters=filters, min_cell=min_cell, lang=lang, title=title, round_names=round_names)
    doc = Document()
    props = doc.core_properties
    props.title = content.title
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.language = i18n.text("language.tag", lang)
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)

    doc.add_heading(content.title, level=0)
    if content.synthetic:
        p = doc.add_paragraph()
        run = p.add_run(_t("common.synthetic_banner", lang))
        run.bold = True
        run.font.color.rgb = RGBColor(0xA3, 0x1B, 0x1B)
        doc.add_paragraph(_t("document.synthetic_long", lang))
    p = doc.add_paragraph()
    p.add_run(f"{_t('document.selection', lang)}: ").bold = True
    p.add_run("; ".join(f"{k}: {v}" for k, v in content.selection))
    for line in content.general_notes:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading(_t("document.key_numbers", lang), level=1)
    _docx_table(
        doc,
        pd.DataFrame(
            [[k["label"], k["value"], k["detail"]] for k in content.key_numbers],
            columns=[_t("document.what", lang), _t("document.number", lang), ""],
        ),
    )

    doc.add_heading(_t("document.figures", lang), level=1)
    for sec in content.sections:
        doc.add_heading(sec.heading, level=2)
        png = chart_image(sec.figure, lang=lang, format="png", synthetic=content.synthetic)
        doc.add_picture(io.BytesIO(png), width=Cm(15.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph(sec.caption, style="Caption")
        _docx_table(doc, sec.table)
        for note in sec.notes:
            doc.add_paragraph(note)

    doc.add_heading(_t("document.methods", lang), level=1)
    for heading, text in content.methods:
        doc.add_heading(heading, level=3)
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_table(doc, table: pd.DataFrame) -> None:
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    for cell, name in zip(t.rows[0].cells, table.columns):
        cell.text = ""
        cell.paragraphs[0].add_run(str(name)).bold = True
    for rec in table.itertuples(index=False, name=None):
        cells = t.add_row().cells
        for cell, v in zip(cells, rec):
            cell.text = "" if v is None else str(v)
    for row in t.rows:
        for cell in row.cells:
            for par in cell.paragraphs:
                for run in par.runs:
                    run.font.size = Pt(9.5)
    doc.add_paragraph()


# --------------------------------------------------------------------------- html

HTML_CSS = """
:root { color-scheme: light; }
body { font-family: "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1c1c1c; margin: 0;
       line-height: 1.5; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: clamp(1.6rem, 5vw, 2.2rem); line-height: 1.2; margin-bottom: .25rem; }
h2 { font-size: 1.35rem; margin-top: 2.5rem; border-top: 1px solid #ddd; padding-top: 1rem; }
h3 { font-size: 1.05rem; margin-bottom: .2rem; }
.warning { background: #fdecea; border-left: .35rem solid #a31b1b; padding: .75rem 1rem; margin: 1rem 0;
           font-weight: 600; }
.warning p { font-weight: 400; margin: .25rem 0 0; }
.keys { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: .75rem;
        margin: 1rem 0; }
.key { border: 1px solid #ddd; border-radius: .5rem; padding: .6rem .8rem; }
.key .label { font-size: .85rem; color: #555; }
.key .value { font-size: 1.5rem; font-weight: 650; }
.key .detail { font-size: .8rem; color: #555; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: #555; margin-top: .35rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0 1rem; min-width: 20rem; }
th, td { border: 1px solid #ccc; padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { margin: .4rem 0; }
.small { font-size: .85rem; color: #555; }
@media print { h2 { page-break-before: auto; } section.figure { page-break-inside: avoid; } }
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _html_table(table: pd.DataFrame) -> str:
    numeric = {c for c in table.columns if str(c) in ("n",)}
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in table.columns)
    body = []
    for rec in table.itertuples(index=False, name=None):
        tds = "".join(
            f'<td class="num">{_e(v)}</td>' if c in numeric else f"<td>{_e(v)}</td>" for c, v in zip(table.columns, rec)
        )
        body.append(f"<tr>{tds}</tr>")
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def round_report_html(
    df: pd.DataFrame | ProtectedData,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int | None = None,
    lang: str = "nl",
    title: str | None = None,
    round_names: Mapping[str, str] | None = None,
) -> str:
    """The round report as one self-contained HTML page (UTF-8 text).

    Charts are SVG data URIs in ``<img>`` elements, the CSS is inline; there
    are no scripts and no links to other sites.  Every text is HTML-escaped.
    """
    content = build_report(df, filters=filters, min_cell=min_cell, lang=lang, title=title, round_names=round_names)
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(content.title)}</title><style>{HTML_CSS}</style></head><body><main>",
        f"<h1>{_e(content.title)}</h1>",
    ]
    if content.synthetic:
        parts.append(
            f'<div class="warning" role="note">{_e(_t("common.synthetic_banner", lang))}'
            f"<p>{_e(_t('document.synthetic_long', lang))}</p></div>"
        )
    sel = "; ".join(f"{k}: {v}" for k, v in content.selection)
    parts.append(f"<p><strong>{_e(_t('document.selection', lang))}:</strong> {_e(sel)}</p>")
    parts.append('<ul class="small">' + "".join(f"<li>{_e(x)}</li>" for x in content.general_notes) + "</ul>")
    parts.append(f'<h2>{_e(_t("document.key_numbers", lang))}</h2><div class="keys">')
    for k in content.key_numbers:
        parts.append(
            f'<div class="key" id="key-{_e(k["key"])}"><div class="label">{_e(k["label"])}</div>'
            f'<div class="value">{_e(k["value"])}</div><div class="detail">{_e(k["detail"])}</div></div>'
        )
    parts.append("</div>")
    for sec in content.sections:
        parts.append(f'<section class="figure" id="fig-{_e(sec.id)}"><h2>{_e(sec.heading)}</h2><figure>')
        svg = chart_image(sec.figure, lang=lang, format="svg", synthetic=content.synthetic)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        alt = f"{_t('document.chart_alt', lang)}: {wording.figure_title(sec.figure, lang)}"
        parts.append(f'<img src="{uri}" alt="{_e(alt)}">')
        parts.append(f"<figcaption>{_e(sec.caption)}</figcaption></figure>")
        parts.append(_html_table(sec.table))
        parts += [f'<p class="note">{_e(n)}</p>' for n in sec.notes]
        parts.append("</section>")
    parts.append(f'<section id="methode"><h2>{_e(_t("document.methods", lang))}</h2>')
    for heading, text in content.methods:
        parts.append(f"<h3>{_e(heading)}</h3><p>{_e(text)}</p>")
    parts.append("</section></main></body></html>\n")
    return "".join(parts)
