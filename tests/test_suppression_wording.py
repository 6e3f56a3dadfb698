"""Why an estimate is hidden: "te weinig respondenten" for a small group, "verborgen om een
kleine groep te beschermen" for a large group hidden by secondary suppression
(analysis.stats.secondary_suppression), in tables, views, charts and the report documents.

The frames are hand-made so that the suppression is known by hand (min_cell = 10):

* contact_one_on_one: 40 parents and 5 youths answered.  The youths (5 < 10) are hidden;
  5 hidden respondents are fewer than 10, so the parents (40) are hidden too.
* grade_by_workers: groups 1 / 2 / 3 workers with 40 / 30 / 4 grades.  Group 3 (4) is
  hidden; 4 < 10, so the smallest shown group, 2 (30), is hidden too; 34 >= 10: group 1 shows.
"""

from __future__ import annotations

import base64
import html
import io
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from docx import Document

from analysis import charts, charts_compare, views, wording
from analysis.document import method_notes, round_report_docx, round_report_html
from analysis.figures import compute_figure
from analysis.frame import canonical_frame

SMALL = "te weinig respondenten (n < 10)"
PROTECT = "verborgen (minder dan 10, of ter bescherming van een kleine groep)"
SMALL_EN = "too few respondents (n < 10)"
PROTECT_EN = "hidden (fewer than 10, or to protect a small group)"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _frame() -> pd.DataFrame:
    n = 74
    return canonical_frame(
        pd.DataFrame(
            {
                "response_id": [f"r{i}" for i in range(n)],
                "round_id": ["ronde-2026"] * n,
                "gi": ["JBN"] * n,
                "respondent_type": ["ouder"] * 69 + ["jeugdige"] * 5,
                "submitted_week": ["2026-W02"] * n,
                # 40 parents and the 5 youths answered contact_one_on_one
                "contact_one_on_one": ["nooit"] * 20 + ["meer_dan_1"] * 20 + [None] * 29 + ["1_keer"] * 5,
                # 40 / 30 / 4 respondents with 1 / 2 / 3 workers, all with a grade
                "n_workers": [1] * 40 + [2] * 30 + [3] * 4,
                "grade": [6, 7] * 20 + [5] * 30 + [9] * 4,
            }
        )
    )


@pytest.fixture(scope="module")
def df():
    return _frame()


def _svg_texts(chart) -> str:
    """Every rendered SVG text (tspans of one text joined with a space), in one string."""
    return _texts_of(ET.fromstring(charts.chart_bytes(chart, "svg")))


def _texts_of(root: ET.Element) -> str:
    out = []
    for el in root.iter(f"{SVG_NS}text"):
        spans = [t.text or "" for t in el.iter(f"{SVG_NS}tspan")]
        out.append(" ".join(spans) if spans else (el.text or ""))
    return re.sub(r"\s+", " ", " | ".join(out))


def _bars(chart) -> list:
    root = ET.fromstring(charts.chart_bytes(chart, "svg"))
    return [
        p for g in root.iter(f"{SVG_NS}g") if "bars_marks" in (g.get("class") or "") for p in g.iter(f"{SVG_NS}path")
    ]


# --------------------------------------------------------------------------- wording


def test_suppressed_text_says_why_from_the_base():
    # base unknown (every cell the protected table hides): it may be small or protect a small one
    assert wording.suppressed_text(10) == PROTECT
    assert wording.suppressed_text(10, n=pd.NA) == PROTECT
    assert wording.suppressed_text(10, n=4) == SMALL
    assert wording.suppressed_text(10, n=9) == SMALL
    assert wording.suppressed_text(10, n=0) == SMALL
    assert wording.suppressed_text(10, n=10) == PROTECT  # not small: hidden for another group
    assert wording.suppressed_text(10, n=40) == PROTECT
    assert wording.suppressed_text(10, "en", n=40) == PROTECT_EN
    assert wording.suppressed_text(10, "en", n=3) == SMALL_EN
    # the threshold is min_cell, not 10
    assert wording.suppressed_text(15, n=12) == "te weinig respondenten (n < 15)"
    assert wording.suppressed_text(15, n=15) == PROTECT.replace("10", "15")
    assert wording.known_small(9) and not wording.known_small(None) and not wording.known_small(10)


def test_display_table_secondary_suppressed_group_says_why(df):
    fig = compute_figure(df, "contact_one_on_one")
    assert fig.table["suppressed"].all() and fig.group_n == {"jeugdige": 5, "ouder": 40}
    t = wording.display_table(fig)
    assert t.values.tolist() == [
        ["Jeugdigen", "(alle antwoorden)", "5", SMALL, ""],
        ["Ouders", "(alle antwoorden)", "40", PROTECT, ""],
    ]
    t_en = wording.display_table(fig, lang="en")
    assert t_en["%"].tolist() == [SMALL_EN, PROTECT_EN]

    grade = wording.display_table(compute_figure(df, "grade_by_workers"))
    rows = {r[0]: r[1:3] for r in grade.values.tolist()}
    assert rows["1"] == ["40", "6,5"]  # (20 * 6 + 20 * 7) / 40
    assert rows["2"] == ["30", PROTECT]
    assert rows["3"] == ["4", SMALL]
    assert rows["4"] == ["0", SMALL]  # an empty group is not "protecting"


def test_display_table_pct_by_group_cell_hidden_for_a_small_cell():
    # 40 respondents never without a worker, 30 with a gap; only 4 of the gap group answered
    # quality_expert: that cell (4) is hidden, and the other cell of the item (40) with it.
    n = 70
    expert = ["ja"] * 40 + ["nee"] * 4 + [None] * 26
    frame = canonical_frame(
        pd.DataFrame(
            {
                "response_id": [f"q{i}" for i in range(n)],
                "round_id": ["r1"] * n,
                "gi": ["JBN"] * n,
                "respondent_type": ["ouder"] * n,
                "submitted_week": ["2026-W02"] * n,
                "had_gap": ["nee"] * 40 + ["ja"] * 30,
                **{
                    q: (["ja", "nee"] * 35)
                    for q in (
                        "quality_time_attention",
                        "quality_understanding",
                        "quality_respectful",
                        "quality_clear",
                        "quality_reachable",
                    )
                },
                "quality_expert": expert,
            }
        )
    )
    fig = compute_figure(frame, "worker_qualities_by_gap")
    t = wording.display_table(fig)
    expert_rows = t[t["Vraag"] == "Deskundig"].values.tolist()
    assert expert_rows == [
        ["Deskundig", "Nooit zonder jeugdzorgwerker", "40", PROTECT, ""],
        ["Deskundig", "Periode zonder jeugdzorgwerker", "4", SMALL, ""],
    ]
    assert not t.loc[t["Vraag"] != "Deskundig", "% ja"].str.contains("weinig|verborgen").any()
    # the chart keeps both slots of the item, each with its reason, and the other 10 bars
    chart = charts.figure_chart(fig)
    text = _svg_texts(chart)
    assert PROTECT in text and "te weinig respondenten" in text
    assert len(_bars(chart)) == 10


# --------------------------------------------------------------------------- charts


def test_figure_chart_grouped_distribution_all_hidden_says_why_per_group(df):
    fig = compute_figure(df, "contact_one_on_one")
    chart = charts.figure_chart(fig)
    text = _svg_texts(chart)
    assert f"Jeugdigen (n = 5): {SMALL}" in text
    assert f"Ouders (n = 40): {PROTECT}" in text
    assert "n = 45" in text and _bars(chart) == []
    assert PROTECT in chart.to_dict()["description"]
    text_en = _svg_texts(charts.figure_chart(fig, lang="en"))
    assert f"Parents (n = 40): {PROTECT_EN}" in text_en and SMALL_EN in text_en
    # a figure whose base is under min_cell keeps the one "te weinig" text
    tiny = compute_figure(df.head(8), "contact_one_on_one")
    tiny_text = _svg_texts(charts.figure_chart(tiny))
    assert SMALL in tiny_text and PROTECT not in tiny_text


def test_figure_chart_mean_by_group_secondary_group_says_why(df):
    fig = compute_figure(df, "grade_by_workers")
    chart = charts.figure_chart(fig)
    text = _svg_texts(chart)
    assert PROTECT in text and "te weinig respondenten" in text
    assert "2 n = 30" in text and "3 n = 4" in text
    assert len(_bars(chart)) == 1  # only group 1
    desc = chart.to_dict()["description"]
    assert f"2 (n = 30): {PROTECT}" in desc and "3 (n = 4): te weinig respondenten" in desc


def test_figure_chart_mean_by_group_every_group_hidden_keeps_the_axis():
    # 12 and 5 grades: the 5 is hidden, and the 12 to protect it; the figure (17) is not small
    n = 17
    frame = canonical_frame(
        pd.DataFrame(
            {
                "response_id": [f"g{i}" for i in range(n)],
                "round_id": ["r1"] * n,
                "gi": ["JBN"] * n,
                "respondent_type": ["ouder"] * n,
                "submitted_week": ["2026-W02"] * n,
                "n_workers": [1] * 12 + [2] * 5,
                "grade": [7] * 12 + [3] * 5,
            }
        )
    )
    fig = compute_figure(frame, "grade_by_workers")
    assert fig.table["suppressed"].all() and not fig.suppressed
    chart = charts.figure_chart(fig)
    text = _svg_texts(chart)
    assert PROTECT in text and "1 n = 12" in text and "2 n = 5" in text
    assert _bars(chart) == [] and "Zwarte lijntjes" not in text  # no whiskers to explain


def test_grade_summary_view_and_boxplot_say_why(df):
    summary = views.grade_summary_by_group(df, group="n_workers")
    s = summary.set_index("group")
    assert bool(s.loc["2", "suppressed"]) and bool(s.loc["3", "suppressed"]) and not s.loc["1", "suppressed"]
    v = views.grade_summary_view(summary, group="n_workers")
    rows = {r[0]: r[1:3] for r in v.values.tolist()}
    assert rows["2"] == ["30", PROTECT] and rows["3"] == ["4", SMALL] and rows["1"][0] == "40"
    chart = charts_compare.grade_boxplot(summary, group="n_workers")
    text = _texts_of(ET.fromstring(charts.chart_bytes(chart, "svg")))
    assert PROTECT in text and SMALL in text


def test_comparison_sentence_suppressed_names_the_small_side():
    row = {"item": "grade", "suppressed": True, "a_n": 6, "b_n": 200}
    assert wording.comparison_sentence(row, a_label="JBN", b_label="rest") == f"Rapportcijfer: {SMALL}."


# --------------------------------------------------------------------------- documents


def test_method_notes_explain_secondary_suppression():
    nl = dict(method_notes())["Kleine groepen"]
    en = dict(method_notes(lang="en"))["Small groups"]
    # one text for every hidden group (two texts would tell which hidden group is the small one)
    assert PROTECT in nl and "terugrekenen" in nl and "hetzelfde" in nl
    assert PROTECT_EN in en and "look the same" in en


def test_round_report_docx_secondary_suppressed_group_says_why(df):
    doc = Document(io.BytesIO(round_report_docx(df)))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    contact = tables[12]  # figure 12: contact_one_on_one
    # contract 1.1 (issue 9): a hidden group's size is never shown, and a small group looks the same
    # as one hidden to protect it (two labels would give bounds: 11 = 1 + 10)
    assert contact[1] == ["Jeugdigen", "(alle antwoorden)", "verborgen", PROTECT, ""]
    assert contact[2] == ["Ouders", "(alle antwoorden)", "verborgen", PROTECT, ""]
    grade = {r[0]: r[1:3] for r in tables[7][1:]}  # figure 7: grade_by_workers
    assert grade["2"] == grade["3"] == ["verborgen", PROTECT]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[11].startswith("Figuur 12 (contact_one_on_one). Basis: n = 45.")
    assert SMALL not in captions[11]  # the figure itself is not small


def test_round_report_html_chart_and_table_say_why(df):
    page = round_report_html(df, lang="en")
    section = re.search(r'<section class="figure" id="fig-contact_one_on_one">(.*?)</section>', page, re.S)
    body = section.group(1)
    assert f"<td>{PROTECT_EN}</td>" in body and html.escape(SMALL_EN) not in body
    svg = base64.b64decode(re.search(r'data:image/svg\+xml;base64,([^"]+)"', body).group(1))
    text = _texts_of(ET.fromstring(svg))
    # the report reads the protected table (issue 9): hidden sizes are never shown
    assert f"Parents (n = hidden): {PROTECT_EN}" in text and f"Young people (n = hidden): {PROTECT_EN}" in text
    assert "fewer than 10)" not in text.replace(PROTECT_EN, "")


def test_report_markdown_says_why_a_large_group_is_hidden():
    # 40 parents and 5 youths: the youths are too few, the parents are hidden to protect them
    import uuid as _uuid

    from analysis.report import report_markdown

    rows = [("ouder", "meer_dan_1")] * 40 + [("jeugdige", "nooit")] * 5
    df = canonical_frame(
        pd.DataFrame(
            {
                "response_id": [str(_uuid.uuid4()) for _ in rows],
                "round_id": "r",
                "gi": "JBN",
                "respondent_type": [t for t, _ in rows],
                "submitted_week": "2025-W07",
                "measure_type": "ots",
                "n_workers": 2,
                "grade": 6,
                "contact_one_on_one": [c for _, c in rows],
            }
        )
    )
    md = report_markdown(df)
    # contract 1.1: a hidden group's size is not shown, and small and protecting groups read the same
    assert f"| Ouders | (alle antwoorden) | verborgen | {PROTECT} |" in md
    assert f"| Jeugdigen | (alle antwoorden) | verborgen | {PROTECT} |" in md
