"""analysis.wording: display numbers, labels, display tables and generated sentences."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import contract, i18n, wording
from analysis.figures import compute_figure, compute_figures
from sample_data import generate


@pytest.fixture(scope="module")
def demo():
    return generate(n=1523)


def test_fmt_number_rounds_half_up_with_decimal_comma():
    assert wording.fmt_number(40.95, 1) == "41,0"  # half up, not half even
    assert wording.fmt_number(2.25, 1, "en") == "2.3"
    assert wording.fmt_number(0.5, 0) == "1"
    assert wording.fmt_number(-0.04, 1) == "0,0"  # no "-0,0"
    assert wording.fmt_number(float("nan")) == "-"
    assert wording.fmt_number(None) == "-"


def test_fmt_p_small_and_ordinary():
    assert wording.fmt_p(1e-12) == "p < 0,001"
    assert wording.fmt_p(0.0234, "en") == "p = 0.023"
    assert wording.fmt_p(math.nan) == "p = -"


def test_fmt_interval_pct_and_mean():
    assert wording.fmt_interval(28.9, 33.6, 0, "nl", pct=True) == "29-34%"
    assert wording.fmt_interval(4.75, 4.99, 1, "nl") == "4,8 tot 5,0"
    assert wording.fmt_interval(-0.34, -0.21, 2, "en") == "-0.34 to -0.21"
    assert wording.fmt_interval(-2.4, 3.1, 0, "nl", pct=True) == "-2% tot 3%"
    assert wording.fmt_interval(math.nan, 3) == ""


def test_suppressed_text_names_min_cell():
    assert wording.suppressed_text(10, n=9) == "te weinig respondenten (n < 10)"
    assert wording.suppressed_text(15, "en", n=3) == "too few respondents (n < 15)"


def test_suppressed_text_of_an_unknown_size_never_says_too_few():
    # outsider finding (stop 16): a hidden group of 33 read "te weinig respondenten (n < 10)"
    assert wording.suppressed_text(10) == "verborgen (minder dan 10, of ter bescherming van een kleine groep)"
    assert wording.suppressed_text(15, "en") == "hidden (fewer than 15, or to protect a small group)"


def test_lang_must_be_known():
    with pytest.raises(ValueError):
        wording.fmt_number(1, 0, "de")


def test_category_label_uses_questionnaire_wording():
    assert wording.category_label("explained_at_start", "een_beetje") == "Een beetje"
    assert wording.category_label("explained_at_start", "een_beetje", "en") == "A little"
    assert wording.category_label("n_workers", "meer_dan_5") == "Meer dan 5"
    assert wording.category_label("n_workers", 0, "en") == "None yet"
    assert wording.category_label("respondent_type", "jeugdige") == "Jeugdigen"
    assert wording.category_label("gi", "JBN") == "JBN"


def test_group_label_gap_and_rest():
    assert wording.group_label("had_gap", "ja") == "Periode zonder jeugdzorgwerker"
    assert wording.group_label("gi", "rest") == "Alle andere GI's samen"


def test_variable_label_covers_every_contract_column():
    for col in contract.COLUMNS:
        assert all(i18n.has_text(wording.VARIABLE_KEY + col, lang) for lang in i18n.languages())
        assert wording.variable_label(col) != col
        assert wording.variable_label(col, "en") != col


def test_display_table_every_figure_has_strings_only(demo):
    for fig in compute_figures(demo):
        t = wording.display_table(fig)
        assert len(t) > 0
        assert all(isinstance(v, str) for v in t.to_numpy().ravel()), fig.id


def test_display_table_distribution_values(demo):
    fig = compute_figure(demo, "explained_at_start")
    t = wording.display_table(fig)
    assert list(t.columns) == ["Antwoord", "n", "%", "95%-BI"]
    row = t.iloc[0]
    # published 2025 figure 2: ja 41 %
    assert row["Antwoord"] == "Ja" and row["%"] == "41%"
    assert row["95%-BI"].endswith("%") and "-" in row["95%-BI"]


def test_display_table_suppressed_figure_shows_base_only(demo):
    small = demo.head(7)
    fig = compute_figure(small, "measure_type")
    t = wording.display_table(fig)
    assert len(t) == 1
    assert t.iloc[0]["n"] == "7"
    assert t.iloc[0]["%"] == "te weinig respondenten (n < 10)"
    assert not any("%" in str(v) and v[0].isdigit() for v in t.to_numpy().ravel())


def test_display_table_suppressed_group_in_grouped_distribution(demo):
    sub = pd.concat(
        [demo[demo["respondent_type"] == "ouder"].head(200), demo[demo["respondent_type"] == "jeugdige"].head(5)],
        ignore_index=True,
    )
    fig = compute_figure(sub, "contact_one_on_one")
    t = wording.display_table(fig)
    youth = t[t["Groep"].str.startswith("Jeugdigen")]
    assert len(youth) == 1 and youth.iloc[0]["%"].startswith("te weinig")


def test_display_table_mean_by_group_marks_indicative(demo):
    fig = compute_figure(demo, "grade_by_workers")
    t = wording.display_table(fig)
    assert list(t.columns) == ["Aantal jeugdzorgwerkers", "n", "Gemiddeld cijfer", "95%-BI"]
    # published fig7: 0 workers n = 25, mean 2.9 (n < 30: indicative)
    assert t.iloc[0].tolist()[:3] == ["Nog geen", "25", "2,9 *"]
    assert t.iloc[1]["Gemiddeld cijfer"] == "6,2"


def test_labelled_table_keeps_full_precision(demo):
    fig = compute_figure(demo, "had_gap")
    t = wording.labelled_table(fig)
    assert t["figure_id"].eq("had_gap").all()
    assert "category_label" in t.columns
    assert t.loc[t["category"] == "ja", "pct"].iloc[0] == pytest.approx(fig.table.loc[0, "pct"])


def test_trend_sentence_falling_significant():
    s = wording.trend_sentence({"jonckheere_terpstra": {"statistic": -13.8, "p_value": 1e-40}})
    assert s == (
        "Het cijfer daalt significant naarmate respondenten meer jeugdzorgwerkers hebben "
        "gehad (Jonckheere-Terpstra, p < 0,001)."
    )


def test_trend_sentence_rising_and_not_significant():
    up = wording.trend_sentence({"jonckheere_terpstra": {"statistic": 2.5, "p_value": 0.012}}, lang="en")
    assert up.startswith("The grade rises significantly") and "p = 0.012" in up
    flat = wording.trend_sentence({"jonckheere_terpstra": {"statistic": -1.0, "p_value": 0.31}})
    assert "geen significante" in flat and "p = 0,310" in flat


def test_trend_sentence_without_tests():
    assert wording.trend_sentence(None).startswith("Te weinig gegevens")
    nan = {"jonckheere_terpstra": {"statistic": math.nan, "p_value": math.nan}}
    assert wording.trend_sentence(nan, lang="en").startswith("Too few data")


def test_trend_sentence_on_demo_data_falls(demo):
    fig = compute_figure(demo, "grade_by_workers")
    assert wording.trend_sentence(fig.tests).startswith("Het cijfer daalt significant")


def test_comparison_sentence_pct_and_suppressed():
    row = {
        "item": "asked_safety",
        "measure": "pct_positive",
        "a_estimate": 55.0,
        "b_estimate": 47.0,
        "difference": 8.0,
        "ci_low": 2.1,
        "ci_high": 13.9,
        "p_holm": 0.02,
        "suppressed": False,
    }
    s = wording.comparison_sentence(row, a_label="JBN", b_label="alle andere GI's samen")
    assert s == (
        "Gevraagd naar veiligheid: JBN 55% tegen 47% bij alle andere GI's samen; verschil 8 "
        "procentpunt (95%-BI 2 tot 14), significant (Holm p = 0,020)."
    )
    sup = dict(row, suppressed=True)
    assert wording.comparison_sentence(sup, a_label="A", b_label="B").endswith(
        "(minder dan 10, of ter bescherming van een kleine groep)."
    )
