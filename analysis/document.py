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

from . import contract, wording
from .figures import FigureResult, compute_figures
from .filters import filter_responses, normalize_filter_value
from .report import is_synthetic
from .views import key_number_texts, key_numbers

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Rapport cliëntervaring jeugdbescherming", "Client experience report, youth protection"),
    "synthetic": ("Synthetische voorbeelddata — geen echte antwoorden", "Synthetic sample data — not real answers"),
    "synthetic_long": (
        "Dit rapport is gemaakt met verzonnen gegevens die lijken op de inspectiecijfers van 2025. "
        "Gebruik het alleen om het hulpmiddel te leren kennen.",
        "This report was made with invented data that resemble the 2025 inspection figures. "
        "Use it only to get to know the tool.",
    ),
    "selection": ("Selectie", "Selection"),
    "all": ("alle", "all"),
    "key_numbers": ("Kerncijfers", "Key numbers"),
    "figures": ("Figuren", "Figures"),
    "figure": ("Figuur", "Figure"),
    "base": ("Basis", "Base"),
    "methods": ("Methode", "Method"),
    "chart_alt": ("Grafiek", "Chart"),
    "what": ("Wat", "What"),
    "number": ("Aantal of uitkomst", "Number or result"),
    "ci": ("95%-BI", "95% CI"),
    "min_cell_line": (
        "Kleine groepen: bij minder dan {m} antwoorden tonen we geen cijfers.",
        "Small groups: with fewer than {m} answers no numbers are shown.",
    ),
    "indicative_line": (
        "* indicatief: minder dan {k} antwoorden, lees met voorzichtigheid.",
        "* indicative: fewer than {k} answers, read with care.",
    ),
    "chart_caption": (
        "Percentages met 95%-betrouwbaarheidsinterval (streepjes).",
        "Percentages with 95% confidence interval (whiskers).",
    ),
    "chart_caption_mean": (
        "Gemiddeld cijfer met 95%-betrouwbaarheidsinterval (streepjes).",
        "Mean grade with 95% confidence interval (whiskers).",
    ),
}

FILTER_LABELS = {
    "round_id": ("Ronde", "Round"),
    "gi": ("Instelling", "Institution"),
    "respondent_type": ("Type respondent", "Respondent type"),
    "measure_type": ("Soort maatregel", "Type of measure"),
}

#: Method notes: (heading, text) in Dutch and English.
METHOD_NOTES: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (
        ("Percentages", "Percentages"),
        (
            "Een percentage is het deel van de antwoorden op die vraag. Wie de vraag niet beantwoordde, "
            "telt niet mee. 'Weet ik niet' en 'geen plan bekend' zijn wel antwoorden en tellen mee.",
            "A percentage is the share of the answers to that question. People who did not answer are "
            "left out. 'Don't know' and 'no plan known' are answers and count.",
        ),
    ),
    (
        ("Betrouwbaarheidsinterval bij percentages (Wilson)", "Confidence interval of percentages (Wilson)"),
        (
            "Bij elk percentage staat een 95%-betrouwbaarheidsinterval volgens Wilson (1927). "
            "Het echte percentage ligt met 95% zekerheid tussen deze grenzen. Hoe meer antwoorden, "
            "hoe smaller het interval.",
            "Each percentage has a 95% Wilson score interval (Wilson 1927): with 95% confidence the true "
            "share lies between these bounds. More answers give a narrower interval.",
        ),
    ),
    (
        ("Betrouwbaarheidsinterval bij gemiddelden (t)", "Confidence interval of means (t)"),
        (
            "Bij een gemiddeld cijfer staat een 95%-interval op basis van de t-verdeling: "
            "gemiddelde ± t(0,975; n−1) × sd / √n.",
            "A mean grade has a 95% interval based on the t distribution: mean ± t(0.975, n−1) × sd / √n.",
        ),
    ),
    (
        ("Kruskal-Wallis-toets", "Kruskal-Wallis test"),
        (
            "Deze toets kijkt of het rapportcijfer verschilt tussen groepen met een verschillend aantal "
            "jeugdzorgwerkers (Kruskal & Wallis 1952). De toets gebruikt rangnummers, geen gemiddelden.",
            "This test checks whether the grade differs between groups with a different number of workers "
            "(Kruskal & Wallis 1952). It uses ranks, not means.",
        ),
    ),
    (
        ("Spearman-correlatie", "Spearman correlation"),
        (
            "Spearmans rho meet hoe sterk het aantal jeugdzorgwerkers (0 tot en met 'meer dan 5') en het "
            "cijfer samen op- of aflopen: van −1 (cijfer daalt) tot +1 (cijfer stijgt).",
            "Spearman's rho measures how strongly the number of workers (0 to 'more than 5') and the grade "
            "move together: from −1 (grade falls) to +1 (grade rises).",
        ),
    ),
    (
        ("Jonckheere-Terpstra-toets", "Jonckheere-Terpstra test"),
        (
            "Deze toets kijkt of het cijfer stap voor stap daalt of stijgt naarmate iemand meer "
            "jeugdzorgwerkers had (Jonckheere 1954; tweezijdig). Een negatieve z betekent: meer "
            "jeugdzorgwerkers, lager cijfer. De zin bij de figuur komt uit deze toets (p < 0,05 is "
            "significant).",
            "This test checks whether the grade falls or rises step by step as people had more workers "
            "(Jonckheere 1954; two-sided). A negative z means: more workers, lower grade. The sentence "
            "under the figure comes from this test (p < 0.05 is significant).",
        ),
    ),
    (
        ("Kleine groepen", "Small groups"),
        (
            "Om niemand herkenbaar te maken tonen we geen percentage, gemiddelde of interval als een "
            "groep minder dan {m} antwoorden heeft. Dan staat er 'te weinig respondenten (n < {m})'. "
            "Binnen zo'n groep tonen we ook geen aantallen per antwoord; alleen de grootte van de groep. "
            "Dit geldt na elke selectie. Soms verbergen we ook een grotere groep, zodat niemand de kleine "
            "groep kan terugrekenen uit het totaal; dan staat er 'verborgen om een kleine groep te beschermen'. "
            "Bij {m} tot {k} antwoorden staat er een * (indicatief).",
            "To keep everyone unrecognisable, no percentage, mean or interval is shown when a group has "
            "fewer than {m} answers; it reads 'too few respondents (n < {m})'. Within such a group no "
            "counts per answer are shown either, only the size of the group. This holds after every "
            "selection. Sometimes a larger group is hidden too, so that nobody can work out the small "
            "group from the total; it reads 'hidden to protect a small group'. "
            "With {m} to {k} answers an * is shown (indicative).",
        ),
    ),
    (
        ("Afronden", "Rounding"),
        (
            "Percentages zijn afgerond op hele getallen en gemiddelden op één decimaal (0,5 naar boven). "
            "Door afronden tellen percentages soms op tot 99 of 101.",
            "Percentages are rounded to whole numbers and means to one decimal (0.5 up). Because of "
            "rounding, percentages sometimes add up to 99 or 101.",
        ),
    ),
)


def _t(key: str, lang: str) -> str:
    nl, en = TEXTS[key]
    return en if lang == "en" else nl


# --------------------------------------------------------------------------- content


def selection_lines(filters: Mapping[str, Any] | None, *, lang: str = "nl") -> list[tuple[str, str]]:
    """(label, value) per filter, in the order round, institution, respondent type, measure type."""
    filters = filters or {}
    out = []
    for name in ("round_id", "gi", "respondent_type", "measure_type"):
        vals = normalize_filter_value(name, filters.get(name) or None)
        label = FILTER_LABELS[name][1 if lang == "en" else 0]
        if vals is None:
            shown = _t("all", lang)
        elif name in ("respondent_type", "measure_type"):
            shown = ", ".join(wording.category_label(name, v, lang) for v in vals)
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
    subtitle: str
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
    n_respondents: int
    min_cell: int
    selection: list[tuple[str, str]]
    key_numbers: list[dict[str, str]]
    sections: list[FigureSection]
    methods: list[tuple[str, str]]
    general_notes: list[str]


def figure_caption(fig: FigureResult, number: int | None, *, lang: str = "nl") -> str:
    """ "Figuur 3 (opinion_asked). Basis: n = 1523. Percentages met 95%-..." """
    head = f"{_t('figure', lang)} {number} ({fig.id})" if number is not None else f"{fig.id}"
    if fig.suppressed:
        small = wording.suppressed_text(fig.min_cell, lang, n=fig.base_n)
        return f"{head}. {_t('base', lang)}: n = {fig.base_n}. {small}."
    what = _t("chart_caption_mean" if fig.kind == "mean_by_group" else "chart_caption", lang)
    return f"{head}. {_t('base', lang)}: n = {fig.base_n}. {what}"


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
    i = 1 if lang == "en" else 0
    return [(h[i], t[i].format(m=min_cell, k=contract.INDICATIVE_BELOW)) for h, t in METHOD_NOTES]


def build_report(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    lang: str = "nl",
    title: str | None = None,
) -> ReportContent:
    """Filter ``df`` and compute every figure, key number and text of the report."""
    wording._lang(lang)
    min_cell = contract.check_min_cell(min_cell)
    filters = {k: v for k, v in (filters or {}).items() if v is not None and v != [] and v != ()}
    sub = filter_responses(df, **filters)
    figs = compute_figures(sub, min_cell=min_cell)
    sections = []
    for i, fig in enumerate(figs, start=1):
        sections.append(
            FigureSection(
                number=i,
                figure=fig,
                heading=f"{_t('figure', lang)} {i}. {wording.figure_title(fig, lang)}",
                subtitle=wording.figure_subtitle(fig, lang),
                caption=figure_caption(fig, i, lang=lang),
                table=wording.display_table(fig, lang=lang),
                notes=figure_notes(fig, lang=lang),
            )
        )
    general = [
        _t("min_cell_line", lang).format(m=min_cell),
        _t("indicative_line", lang).format(k=contract.INDICATIVE_BELOW),
    ]
    return ReportContent(
        title=title or _t("title", lang),
        lang=lang,
        synthetic=is_synthetic(sub, filters),
        n_respondents=len(sub),
        min_cell=min_cell,
        selection=selection_lines(filters, lang=lang),
        key_numbers=key_number_texts(key_numbers(sub, min_cell=min_cell), lang=lang, min_cell=min_cell),
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
    from . import charts

    chart = charts.figure_chart(fig, lang=lang, synthetic=synthetic)
    return charts.chart_bytes(chart, format)


# --------------------------------------------------------------------------- docx


def round_report_docx(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    lang: str = "nl",
    title: str | None = None,
) -> bytes:
    """The round report as a Word document (python-docx); returns the .docx bytes.

    Every figure gets a level-2 heading "Figuur i. <title>", its chart as a
    PNG picture (a suppressed figure's chart says "te weinig respondenten"),
    a caption and a table.
    Document properties carry the title only (no author, no user name).
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    content = build_report(df, filters=filters, min_cell=min_cell, lang=lang, title=title)
    doc = Document()
    props = doc.core_properties
    props.title = content.title
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.language = "nl-NL" if lang == "nl" else "en-GB"
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)

    doc.add_heading(content.title, level=0)
    if content.synthetic:
        p = doc.add_paragraph()
        run = p.add_run(_t("synthetic", lang))
        run.bold = True
        run.font.color.rgb = RGBColor(0xA3, 0x1B, 0x1B)
        doc.add_paragraph(_t("synthetic_long", lang))
    p = doc.add_paragraph()
    p.add_run(f"{_t('selection', lang)}: ").bold = True
    p.add_run("; ".join(f"{k}: {v}" for k, v in content.selection))
    for line in content.general_notes:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading(_t("key_numbers", lang), level=1)
    _docx_table(
        doc,
        pd.DataFrame(
            [[k["label"], k["value"], k["detail"]] for k in content.key_numbers],
            columns=[_t("what", lang), _t("number", lang), ""],
        ),
    )

    doc.add_heading(_t("figures", lang), level=1)
    for sec in content.sections:
        doc.add_heading(sec.heading, level=2)
        sub = doc.add_paragraph()
        sub.add_run(sec.subtitle).italic = True
        png = chart_image(sec.figure, lang=lang, format="png", synthetic=content.synthetic)
        doc.add_picture(io.BytesIO(png), width=Cm(15.5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph(sec.caption, style="Caption")
        _docx_table(doc, sec.table)
        for note in sec.notes:
            doc.add_paragraph(note)

    doc.add_heading(_t("methods", lang), level=1)
    for heading, text in content.methods:
        doc.add_heading(heading, level=3)
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_table(doc, table: pd.DataFrame) -> None:
    from docx.shared import Pt

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
.sub { color: #555; font-style: italic; margin-top: 0; }
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
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    lang: str = "nl",
    title: str | None = None,
) -> str:
    """The round report as one self-contained HTML page (UTF-8 text).

    Charts are SVG data URIs in ``<img>`` elements, the CSS is inline; there
    are no scripts and no links to other sites.  Every text is HTML-escaped.
    """
    content = build_report(df, filters=filters, min_cell=min_cell, lang=lang, title=title)
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(content.title)}</title><style>{HTML_CSS}</style></head><body><main>",
        f"<h1>{_e(content.title)}</h1>",
    ]
    if content.synthetic:
        parts.append(
            f'<div class="warning" role="note">{_e(_t("synthetic", lang))}<p>{_e(_t("synthetic_long", lang))}</p></div>'
        )
    sel = "; ".join(f"{k}: {v}" for k, v in content.selection)
    parts.append(f"<p><strong>{_e(_t('selection', lang))}:</strong> {_e(sel)}</p>")
    parts.append('<ul class="small">' + "".join(f"<li>{_e(x)}</li>" for x in content.general_notes) + "</ul>")
    parts.append(f'<h2>{_e(_t("key_numbers", lang))}</h2><div class="keys">')
    for k in content.key_numbers:
        parts.append(
            f'<div class="key" id="key-{_e(k["key"])}"><div class="label">{_e(k["label"])}</div>'
            f'<div class="value">{_e(k["value"])}</div><div class="detail">{_e(k["detail"])}</div></div>'
        )
    parts.append("</div>")
    for sec in content.sections:
        parts.append(
            f'<section class="figure" id="fig-{_e(sec.id)}"><h2>{_e(sec.heading)}</h2>'
            f'<p class="sub">{_e(sec.subtitle)}</p><figure>'
        )
        svg = chart_image(sec.figure, lang=lang, format="svg", synthetic=content.synthetic)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        alt = f"{_t('chart_alt', lang)}: {wording.figure_title(sec.figure, lang)}"
        parts.append(f'<img src="{uri}" alt="{_e(alt)}">')
        parts.append(f"<figcaption>{_e(sec.caption)}</figcaption></figure>")
        parts.append(_html_table(sec.table))
        parts += [f'<p class="note">{_e(n)}</p>' for n in sec.notes]
        parts.append("</section>")
    parts.append(f'<section id="methode"><h2>{_e(_t("methods", lang))}</h2>')
    for heading, text in content.methods:
        parts.append(f"<h3>{_e(heading)}</h3><p>{_e(text)}</p>")
    parts.append("</section></main></body></html>\n")
    return "".join(parts)
