"""Numbers and labels of the charts (issue 12, item 6): Dutch number format on the axes,
long labels wrap instead of being cut off, two different model terms never read the same."""

from __future__ import annotations

import re

import _chart_helpers as h
import pandas as pd
import pytest

from analysis import charts, charts_compare, contract, models, views

SVG_TEXT = re.compile(r">([^<]{1,200})</t")


def _texts(chart) -> list[str]:
    return SVG_TEXT.findall(charts.chart_bytes(chart, "svg").decode())


def _coefficients(terms: list[str]) -> pd.DataFrame:
    k = len(terms)
    return pd.DataFrame(
        {
            "term": terms,
            "estimate": [-0.35 - 0.4 * i for i in range(k)],
            "se": [0.1] * k,
            "ci_low": [-0.6 - 0.4 * i for i in range(k)],
            "ci_high": [-0.1 - 0.4 * i for i in range(k)],
            "statistic": [1.0] * k,
            "p_value": [0.01] * k,
        }
    )


def _axis_numbers(texts: list[str]) -> list[str]:
    return [t for t in texts if re.fullmatch(r"[−-]?\d+[.,]\d", t)]


@pytest.mark.parametrize(("lang", "decimal"), [("nl", ","), ("en", ".")])
def test_charts_axis_numbers_use_the_decimal_separator_of_the_language(lang, decimal):
    chart = charts_compare.coefficient_chart(_coefficients(["asked_safety[nee]", "had_gap[ja]"]), lang=lang)
    ticks = _axis_numbers(_texts(chart))
    assert ticks, "the coefficient axis has decimal tick labels"
    assert all(decimal in t for t in ticks), ticks
    assert chart.to_dict()["config"]["locale"]["number"]["decimal"] == decimal


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_every_chart_carries_the_number_locale(lang):
    for make in (h.explained_at_start, h.grade_by_workers, h.contact_one_on_one, h.worker_qualities_by_gap):
        spec = charts.figure_chart(make(), lang=lang).to_dict()
        assert spec["config"]["locale"]["number"] == charts.number_locale(lang)
    assert charts.number_locale("nl")["decimal"] == "," and charts.number_locale("nl")["thousands"] == "."


def test_charts_wrap_label_breaks_between_words_and_is_stable():
    text = "Gevraagd naar alle leefgebieden: Een beetje"
    wrapped = charts.wrap_label(text)
    assert wrapped.replace("\n", " ") == text
    assert all(len(line) <= charts.LABEL_WRAP for line in wrapped.split("\n"))
    assert charts.wrap_label(wrapped) == wrapped
    assert charts.wrap_label("Ja") == "Ja"


def test_charts_model_terms_that_start_alike_show_in_full():
    terms = ["asked_life_domains[een_beetje]", "asked_life_domains[nee]"]
    chart = charts_compare.coefficient_chart(_coefficients(terms), lang="nl")
    texts = _texts(chart)
    assert "…" not in "".join(texts)
    joined = " ".join(texts)
    assert "leefgebieden: Een beetje" in joined and "leefgebieden: Nee" in joined
    y_axis = chart.to_dict()["layer"][1]["encoding"]["y"]["axis"]
    assert y_axis["labelExpr"] == charts.LINES_EXPR


def test_charts_no_two_model_terms_read_the_same():
    for lang in ("nl", "en"):
        labels = {}
        for p in models.PREDICTORS:
            for code in contract.CODES.get(p, ()):
                labels[f"{p}[{code}]"] = views.term_label(f"{p}[{code}]", lang)
        labels["n_workers"] = views.term_label("n_workers", lang)
        assert len(set(labels.values())) == len(labels), lang


def test_charts_comparison_and_figure_labels_wrap():
    fig = h.explained_at_start()
    rows = [r for rows in charts.figure_chart(fig).to_dict()["datasets"].values() for r in rows]
    assert all(len(line) <= charts.LABEL_WRAP for r in rows for line in r["y"].split("\n"))
    assert {r["y_text"] for r in rows} >= {"Ja", "Nee"}
    cmp = pd.DataFrame(
        {
            "item": ["asked_life_domains", "quality_time_attention"],
            "measure": ["pct", "pct"],
            "a_n": [50, 50],
            "a_estimate": [60.0, 70.0],
            "b_n": [200, 200],
            "b_estimate": [55.0, 71.0],
            "difference": [5.0, -1.0],
            "ci_low": [-5.0, -9.0],
            "ci_high": [15.0, 7.0],
            "test": ["z", "z"],
            "statistic": [1.0, 0.2],
            "p_value": [0.3, 0.8],
            "p_holm": [0.6, 0.8],
            "suppressed": [False, False],
        }
    )
    texts = " ".join(_texts(charts_compare.comparison_chart(cmp, lang="nl", a_label="JBW", b_label="Rest")))
    assert "leefgebieden" in texts and "…" not in texts


def test_charts_every_research_chart_has_a_text_alternative_with_its_numbers():
    coefs = _coefficients(["asked_safety[nee]", "had_gap[ja]"])
    desc = charts_compare.coefficient_chart(coefs, lang="nl").to_dict()["description"]
    assert "Gevraagd naar veiligheid: Nee" in desc and "-0,350" in desc
    ct = pd.DataFrame(
        {
            "row": ["ja", "ja", "nee", "nee"],
            "col": ["ouder", "jeugdige", "ouder", "jeugdige"],
            "n": [20, 30, 25, 25],
            "pct_row": [40.0, 60.0, 50.0, 50.0],
            "suppressed": [False, False, False, False],
        }
    )
    desc = charts_compare.crosstab_heatmap(ct, row="had_gap", col="respondent_type", lang="nl").to_dict()
    assert "Ja, Ouders: 40%" in desc["description"]
    for make in (h.explained_at_start, h.grade_by_workers):
        assert charts.figure_chart(make()).to_dict()["description"]
