"""analysis.document: the round report as .docx (read back with python-docx) and self-contained HTML."""

from __future__ import annotations

import base64
import html
import io
import re

import pandas as pd
import pytest
from docx import Document

from analysis import contract
from analysis.document import build_report, method_notes, round_report_docx, round_report_html
from analysis.i18n import text
from sample_data import generate

HIDDEN = "verborgen (minder dan 10, of ter bescherming van een kleine groep)"


@pytest.fixture(scope="module")
def demo():
    return generate(n=1523)


@pytest.fixture(scope="module")
def real_round(demo):
    """The same answers under a round id that is not synthetic."""
    df = demo.copy()
    df["round_id"] = "ronde-2026"
    return df


@pytest.fixture(scope="module")
def docx_full(demo):
    return Document(io.BytesIO(round_report_docx(demo)))


@pytest.fixture(scope="module")
def small_gi(demo):
    """An institution with 7 respondents among the others."""
    others = demo[demo["gi"] != "JBW"]
    tiny = demo[demo["gi"] == "JBW"].head(7)
    import pandas as pd

    return pd.concat([others, tiny], ignore_index=True)


@pytest.fixture(scope="module")
def docx_small(small_gi):
    return Document(io.BytesIO(round_report_docx(small_gi, filters={"gi": "JBW"})))


@pytest.fixture(scope="module")
def html_full(demo):
    return round_report_html(demo)


def _headings(doc, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def _table_text(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_round_report_docx_has_every_figure_with_heading_caption_and_image(docx_full):
    heads = _headings(docx_full, 2)
    assert len(heads) == len(contract.FIGURE_IDS) == 13
    for i, fid in enumerate(contract.FIGURE_IDS, start=1):
        assert heads[i - 1] == f"Figuur {i}. {text(f'figures.title.{fid}', 'nl')}"
    captions = [p.text for p in docx_full.paragraphs if p.style.name == "Caption"]
    assert len(captions) == 13
    for i, fid in enumerate(contract.FIGURE_IDS, start=1):
        assert captions[i - 1].startswith(f"Figuur {i} ({fid}). Basis: n = ")
    # one picture per figure, all PNG
    assert len(docx_full.inline_shapes) == 13
    blobs = [r.target_part.blob for r in docx_full.part.rels.values() if "image" in r.reltype]
    assert len(blobs) == 13 and all(b[:8] == b"\x89PNG\r\n\x1a\n" for b in blobs)


def test_round_report_has_no_other_language_subtitle_under_figure_titles(docx_full, html_full):
    english = [text(f"figures.title.{fid}", "en") for fid in contract.FIGURE_IDS]
    body = "\n".join(p.text for p in docx_full.paragraphs)
    assert not [t for t in english if t in body]
    assert not [t for t in english if html.escape(t, quote=True) in html_full]


def test_round_report_docx_tables_have_n_estimate_and_interval(docx_full):
    tables = docx_full.tables
    assert len(tables) == 1 + 13  # key numbers + one per figure
    explained = _table_text(tables[2])  # figure 2: explained_at_start
    assert explained[0] == ["Antwoord", "n", "%", "95%-BI"]
    # published 2025 figure 2: ja 41 %
    assert explained[1][0] == "Ja" and explained[1][2] == "41%" and re.fullmatch(r"\d+-\d+%", explained[1][3])
    grade = _table_text(tables[7])  # figure 7: grade_by_workers
    assert grade[0] == ["Aantal jeugdzorgwerkers", "n", "Gemiddeld cijfer", "95%-BI"]
    assert grade[2][:3] == ["1", "320", "6,2"]  # published fig7: 1 worker, n 320, 6.2


def test_round_report_docx_trend_sentence_and_methods(docx_full):
    text = "\n".join(p.text for p in docx_full.paragraphs)
    assert (
        "Het cijfer daalt significant naarmate respondenten meer jeugdzorgwerkers hebben gehad "
        "(Jonckheere-Terpstra, p < 0,001)."
    ) in text
    heads3 = _headings(docx_full, 3)
    for name in ("Wilson", "(t)", "Kruskal-Wallis", "Spearman", "Jonckheere-Terpstra", "Kleine groepen"):
        assert any(name in h for h in heads3), name
    assert HIDDEN in text  # the suppression rule is explained


def test_round_report_docx_synthetic_warning_and_no_author(docx_full, real_round):
    text = "\n".join(p.text for p in docx_full.paragraphs)
    assert "Synthetische voorbeelddata — geen echte antwoorden" in text
    assert docx_full.core_properties.author == ""
    assert docx_full.core_properties.title == "Rapport cliëntervaring jeugdbescherming"


def test_round_report_docx_small_institution_shows_no_estimate(docx_small):
    for table in docx_small.tables[1:]:
        rows = _table_text(table)
        body = [cell for row in rows[1:] for cell in row]
        assert HIDDEN in body  # a small group reads like one hidden to protect it (issue 9)
        # no percentage, mean or interval anywhere
        assert not any(re.search(r"\d%|\d,\d", cell) for cell in body), rows
    key = _table_text(docx_small.tables[0])
    # the protected table (issue 9): a small selection's size is never shown, it reads "minder dan 10"
    assert key[1][:2] == ["Respondenten", HIDDEN] and not any("7" in c for row in key for c in row)
    assert all(row[1] == HIDDEN for row in key[2:])
    text = "\n".join(p.text for p in docx_small.paragraphs)
    assert "Instelling: JBW" in text
    assert len(docx_small.inline_shapes) == 13  # the charts say "te weinig respondenten"


def test_round_report_html_is_self_contained(html_full):
    assert html_full.startswith("<!DOCTYPE html>")
    assert "<script" not in html_full.lower()
    for attr in re.findall(r'(?:src|href)="([^"]*)"', html_full):
        assert attr.startswith("data:"), attr
    assert not re.search(r"url\((?!data:)", html_full)
    imgs = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html_full)
    assert len(imgs) == 13
    for b64, alt in imgs:
        svg = base64.b64decode(b64)
        assert svg.startswith(b"<svg") and alt.startswith("Grafiek: ")


def test_round_report_html_every_figure_section_table_and_method(html_full):
    for i, fid in enumerate(contract.FIGURE_IDS, start=1):
        assert f'<section class="figure" id="fig-{fid}"><h2>Figuur {i}. ' in html_full
    assert html_full.count("<table>") == 13
    assert "Synthetische voorbeelddata — geen echte antwoorden" in html_full
    assert "Jonckheere-Terpstra, p &lt; 0,001" in html_full
    for name in ("Wilson", "Kruskal-Wallis", "Spearman", "Jonckheere-Terpstra", "Kleine groepen"):
        assert name in html_full


def test_round_report_html_escapes_text_and_speaks_english(real_round):
    html = round_report_html(
        real_round.head(300), lang="en", title="<b>Round & report</b>", filters={"respondent_type": "ouder"}
    )
    assert "<b>Round" not in html and "&lt;b&gt;Round &amp; report&lt;/b&gt;" in html
    assert '<html lang="en">' in html and "Figure 1. Type of measure" in html
    assert "Synthetic sample data" not in html  # round ronde-2026 is not synthetic
    assert "Respondent type: Parents" in html


def test_build_report_content_follows_filters(demo):
    c = build_report(demo, filters={"respondent_type": ["jeugdige"]})
    assert c.n_respondents == 372 and c.synthetic
    assert [s.id for s in c.sections] == list(contract.FIGURE_IDS)
    assert ("Type respondent", "Jeugdigen") in c.selection
    assert c.key_numbers[0]["value"] == "372"


def test_method_notes_name_min_cell():
    notes = dict(method_notes(min_cell=15))
    assert "minder dan 15 antwoorden" in notes["Kleine groepen"]
    assert "verborgen (minder dan 15," in notes["Kleine groepen"]


def test_build_report_selection_shows_rounds_by_name(demo):
    filters = {"round_id": [contract.DEMO_ROUND_ID]}
    c = build_report(demo, filters=filters, round_names={contract.DEMO_ROUND_ID: "Demo 2025 (synthetisch)"})
    label = dict(c.selection)
    assert "Demo 2025 (synthetisch)" in label.values()
    assert contract.DEMO_ROUND_ID in dict(build_report(demo, filters=filters).selection).values()  # unknown: its id


def test_build_report_reads_the_protected_table_it_is_given(small_gi):
    # issue 9 H1: the dashboards pass their one table itself, so a download reads the same decisions
    from analysis.protection import ProtectedData

    data = ProtectedData(small_gi, min_cell=10)
    content = build_report(data, filters={"gi": "JBW"})
    assert content.min_cell == 10
    assert content.n_respondents is None  # JBW has 7 respondents: hidden in that table
    assert content.sections[0].figure.min_cell == 10
    for section, fig in zip(content.sections, data.view({"gi": "JBW"}).figures(), strict=True):
        assert section.figure.table.equals(fig.table)
    assert build_report(data, min_cell=10).min_cell == 10  # the table's own min_cell may be named
    with pytest.raises(ValueError, match="protected table"):
        build_report(data, min_cell=25)  # a second threshold on the same table is refused


def test_figure_caption_of_a_hidden_base_reads_verborgen_never_none():
    """Fourth outsider (stop 17): the Rondeverslag printed "Basis: n = None" under hidden figures."""
    from analysis.document import figure_caption
    from analysis.figures import FigureResult

    fig = FigureResult(id="say_in_plan", kind="distribution", min_cell=10, base_n=None, table=pd.DataFrame())
    caption = figure_caption(fig, 9)
    assert "None" not in caption and "Basis: n = verborgen." in caption
    assert "Base: n = hidden." in figure_caption(fig, 9, lang="en")
