"""Charts (analysis/charts.py): house theme, one chart per figure kind, offline PNG/SVG.

The figures here are hand-made tables with the schemas of docs/architecture.md
(tests/_chart_helpers.py), plus every figure of compute_figures() on generated
sample data.  Rendering is real (vl-convert); SVG output is parsed as XML.
"""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import replace

import _chart_helpers as h
import altair as alt
import pytest

from analysis import charts, contract

SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- helpers


def _svg(chart) -> ET.Element:
    return ET.fromstring(charts.chart_bytes(chart, "svg"))


def _texts(root: ET.Element) -> list[str]:
    """Every rendered text (a <text>, its <tspan> lines joined with a space)."""
    out = []
    for el in root.iter(f"{SVG_NS}text"):
        spans = [t.text or "" for t in el.iter(f"{SVG_NS}tspan")]
        out.append(" ".join(spans) if spans else (el.text or ""))
    return out


def _all_text(root: ET.Element) -> str:
    return re.sub(r"\s+", " ", " ".join(_texts(root)))


def _bars(root: ET.Element) -> list[ET.Element]:
    """The bar paths (layer named "bars": class "bars_marks")."""
    groups = [g for g in root.iter(f"{SVG_NS}g") if "bars_marks" in (g.get("class") or "")]
    return [p for g in groups for p in g.iter(f"{SVG_NS}path")]


def _rows(chart) -> list[dict]:
    """All inline data rows of a chart spec."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _mark_types(spec) -> set[str]:
    """The mark types used anywhere in a (nested) Vega-Lite spec."""
    found = set()
    if isinstance(spec, dict):
        mark = spec.get("mark")
        if mark is not None:
            found.add(mark if isinstance(mark, str) else mark.get("type"))
        for key, value in spec.items():
            if key not in ("config", "datasets"):
                found |= _mark_types(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= _mark_types(value)
    return found


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


ALL_KINDS = {
    "distribution": h.explained_at_start,
    "distribution_by_group": h.contact_one_on_one,
    "mean_by_group": h.grade_by_workers,
    "pct_by_group": h.worker_qualities_by_gap,
}


# --------------------------------------------------------------------------- theme


def test_theme_registered_and_enabled_on_import():
    assert charts.THEME_NAME in alt.theme.names()
    assert alt.theme.active == charts.THEME_NAME
    spec = alt.Chart().mark_bar().to_dict()
    assert spec["config"]["bar"]["color"] == "#01689B"
    assert spec["config"]["axis"]["labelFontSize"] >= 14  # readable on a phone


def test_theme_export_uses_house_theme_even_when_another_is_enabled():
    chart = charts.figure_chart(h.explained_at_start())
    with alt.theme.enable("dark"):
        svg = charts.chart_bytes(chart, "svg").decode()
        assert alt.theme.active == "dark"  # the export does not switch the global theme
    background = re.search(r"<rect [^>]*>", svg).group(0)
    assert 'fill="white"' in background  # the house background, not the dark theme's
    assert alt.theme.active == charts.THEME_NAME


def test_category_colours_ordinal_dark_to_light_and_unknown_grey():
    cols = charts.category_colours("explained_at_start", ["ja", "een_beetje", "nee", "weet_niet"])
    assert cols[0] == "#01689B"
    assert cols[3] == charts.GREY
    lum = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in cols[:3]]
    assert lum == sorted(lum) and len(set(lum)) == 3  # positive dark -> negative light
    assert charts.category_colours("say_in_plan", ["ja", "nee", "geen_plan_bekend"])[2] == charts.GREY
    # a nominal item (measure type) is one colour, weet_niet grey
    assert charts.category_colours("measure_type", ["jeugdreclassering", "ots", "voogdij", "weet_niet"]) == [
        "#01689B",
        "#01689B",
        "#01689B",
        charts.GREY,
    ]


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_chart_bytes_png_every_kind_valid(kind):
    data = charts.chart_bytes(charts.figure_chart(ALL_KINDS[kind]()), "png")
    width, height = _png_size(data)
    assert width >= 800 and height >= 400  # scale 2
    assert len(data) > 20_000


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_chart_bytes_svg_every_kind_has_dutch_title_and_description(kind):
    fig = ALL_KINDS[kind]()
    chart = charts.figure_chart(fig)
    root = _svg(chart)
    text = _all_text(root)
    assert fig.title in text
    assert fig.title_en not in text
    # screen readers: spec description, SVG role/aria-label/<title>
    desc = chart.to_dict()["description"]
    assert fig.title in desc
    assert root.get("role") == "img" and root.get("aria-label") == desc
    assert root.find(f"{SVG_NS}title").text == desc
    assert len(_bars(root)) == len(fig.table)


def test_figure_chart_distribution_labels_pct_ci_and_n():
    fig = h.explained_at_start()
    root = _svg(charts.figure_chart(fig))
    texts = _texts(root)
    # 624/1523 = 40.97 % -> "41%" etc. (published 41 / 29 / 25 / 5)
    for label in ("41%", "29%", "25%", "5%", "n = 1523", "Ja", "Een beetje", "Nee", "Weet ik niet meer"):
        assert label in texts
    # whiskers are the Wilson interval of the table, not recomputed
    rows = [r for r in _rows(charts.figure_chart(fig)) if r.get("category") == "ja"]
    assert rows[0]["ci_low"] == pytest.approx(fig.table.loc[0, "ci_low"])
    assert rows[0]["ci_high"] == pytest.approx(h.wilson(624, 1523)[1])


def test_figure_chart_pct_labels_round_half_up():
    # 25 / 200 = 12.5 %: a printed report shows 13 (Python's round() would give 12)
    fig = h.distribution("help_improves", {"ja": 25, "niet_helemaal": 100, "nee": 75}, title="Hulp", title_en="Help")
    texts = _texts(_svg(charts.figure_chart(fig)))
    assert "13%" in texts and "50%" in texts and "38%" in texts  # 37.5 -> 38
    texts1 = _texts(_svg(charts.figure_chart(fig, decimals=1)))
    assert "12,5%" in texts1
    assert "12.5%" in _texts(_svg(charts.figure_chart(fig, decimals=1, lang="en")))


def test_figure_chart_suppressed_figure_shows_text_and_no_bar():
    fig = h.say_in_plan_tiny()  # n = 7
    chart = charts.figure_chart(fig)
    root = _svg(chart)
    assert "te weinig respondenten (n < 10)" in _texts(root)
    assert "n = 7" in _texts(root)
    assert _bars(root) == []
    assert all(r.get("pct") is None for r in _rows(chart))
    assert "bar" not in _mark_types(chart.to_dict())
    assert "bar" in _mark_types(charts.figure_chart(h.explained_at_start()).to_dict())
    # the threshold shown follows the min_cell the figure carries
    assert "te weinig respondenten (n < 15)" in _texts(_svg(charts.figure_chart(replace(fig, min_cell=15))))


def test_figure_chart_suppressed_group_text_and_no_bar():
    fig = h.contact_one_on_one(youth_n=8)
    chart = charts.figure_chart(fig)
    root = _svg(chart)
    text = _all_text(root)
    # the size is not given: it may be small or hidden to protect a small one (never "te weinig" for 33)
    assert "Jeugdigen: verborgen (minder dan 10, of ter bescherming van een kleine groep)" in text
    assert "Ouders (n = 1100)" in text
    assert len(_bars(root)) == 4  # parents only
    youth = [r for r in _rows(chart) if r.get("group") == "jeugdige"]
    assert len(youth) == 4 and all(r["pct"] is None and r["n"] is None for r in youth)


def test_figure_chart_suppressed_cell_in_pct_by_group():
    fig = h.worker_qualities_by_gap(suppress=("quality_expert", "ja"))
    chart = charts.figure_chart(fig)
    root = _svg(chart)
    assert "te weinig respondenten" in _texts(root)
    assert len(_bars(root)) == 11
    cell = [r for r in _rows(chart) if r.get("item") == "quality_expert" and r.get("group") == "ja"]
    assert cell and cell[0]["pct"] is None and cell[0]["ci_low"] is None


def test_figure_chart_group_label_carries_n():
    text = _all_text(_svg(charts.figure_chart(h.contact_one_on_one())))
    assert "Jeugdigen (n = 350)" in text and "Ouders (n = 1100)" in text


def test_figure_chart_grade_groups_in_order_with_n_under_each():
    fig = h.grade_by_workers()
    shuffled = fig.table.sample(frac=1, random_state=3).reset_index(drop=True)
    fig.table = shuffled
    chart = charts.figure_chart(fig)
    spec = json.dumps(chart.to_dict())
    root = _svg(chart)
    labels = []
    for g in root.iter(f"{SVG_NS}g"):
        if "role-axis-label" in (g.get("class") or ""):
            for t in g.iter(f"{SVG_NS}text"):
                spans = [s.text for s in t.iter(f"{SVG_NS}tspan")] or [t.text]
                x = float(re.match(r"translate\(([-\d.]+)", t.get("transform")).group(1))
                labels.append((x, spans))
    x_axis = sorted((x, s) for x, s in labels if len(s) == 2)
    assert [s for _, s in x_axis] == [
        ["0", "n = 25"],
        ["1", "n = 320"],
        ["2", "n = 345"],
        ["3", "n = 234"],
        ["4", "n = 169"],
        ["5", "n = 85"],
        ["meer dan 5", "n = 345"],
    ]
    text = _all_text(root)
    assert "Gemiddeld rapportcijfer" in text and "Aantal jeugdzorgwerkers" in text
    y_ticks = [s[0] for _, s in labels if len(s) == 1]
    assert y_ticks == [str(v) for v in range(1, 11)]
    assert "Spearman rho = \u22120,21 (p < 0,001)" in text
    assert '"domain": [1, 10]' in spec
    # the mean labels use a decimal comma: 6.2 -> "6,2"; group 0 (n = 25) is indicative
    assert "6,2" in _texts(root) and "2,9*" in _texts(root)
    assert "* indicatief (n < 30)" in text


def test_figure_chart_grade_suppressed_group_no_bar():
    fig = h.grade_by_workers(small_zero=True, with_tests=False)
    chart = charts.figure_chart(fig)
    root = _svg(chart)
    assert "te weinig respondenten" in _texts(root)
    assert len(_bars(root)) == 6
    zero = [r for r in _rows(chart) if r.get("group") == "0"]
    assert zero[0]["mean"] is None and zero[0]["n"] == 7
    assert "Spearman" not in _all_text(root)
    assert "0 n = 7" in _all_text(root)


def test_figure_chart_pct_by_group_short_labels_and_two_group_colours():
    chart = charts.figure_chart(h.worker_qualities_by_gap())
    root = _svg(chart)
    text = _all_text(root)
    for label in (
        "Voldoende tijd en aandacht",
        "Begripvol",
        "Respectvol",
        "Deskundig",
        "Duidelijk",
        "Bereikbaar",
        "Nooit zonder jeugdzorgwerker (n = 900)",
        "Periode zonder jeugdzorgwerker (n = 470)",
    ):
        assert label in text
    fills = {p.get("fill") for p in _bars(root)}
    assert fills == {"#01689B", "#8FCAE7"}
    # never-without first: the first bar (Voldoende tijd, nee = 43 %) is dark blue
    first = _bars(root)[0]
    assert first.get("fill") == "#01689B" and "43" in first.get("aria-label")


def test_figure_chart_english_labels_and_title():
    fig = h.explained_at_start()
    text = _all_text(_svg(charts.figure_chart(fig, lang="en")))
    assert fig.title_en in text and fig.title not in text
    assert "I don't remember" in text and "Weet ik niet meer" not in text
    text = _all_text(_svg(charts.figure_chart(h.grade_by_workers(), lang="en")))
    assert "Mean grade" in text and "more than 5" in text and "rho = \u22120.21" in text
    text = _all_text(_svg(charts.figure_chart(h.contact_one_on_one(), lang="en")))
    assert "Young people (n = 350)" in text and "Yes, more than once" in text
    with pytest.raises(ValueError, match="lang"):
        charts.figure_chart(fig, lang="de")


def test_figure_chart_labels_override_mapping():
    text = _all_text(_svg(charts.figure_chart(h.explained_at_start(), labels={"ja": "Ja, duidelijk"})))
    assert "Ja, duidelijk" in text and "Een beetje" in text


def test_figure_chart_indicative_marked_lighter_with_footnote():
    fig = h.explained_at_start(scale=60)  # n = 25: indicative
    chart = charts.figure_chart(fig)
    root = _svg(chart)
    text = _all_text(root)
    assert "* indicatief (n < 30)" in text
    assert any(t.endswith("%*") for t in _texts(root))
    assert {p.get("fill-opacity") for p in _bars(root)} == {str(charts.INDICATIVE_OPACITY)}
    full = _svg(charts.figure_chart(h.explained_at_start()))
    assert "indicatief" not in _all_text(full)
    assert {p.get("fill-opacity") for p in _bars(full)} == {"1"}


def test_figure_chart_synthetic_marker():
    for kind, make in ALL_KINDS.items():
        assert "Synthetische voorbeelddata" in _all_text(_svg(charts.figure_chart(make(), synthetic=True))), kind
        assert "Synthetische voorbeelddata" not in _all_text(_svg(charts.figure_chart(make())))
    chart = charts.figure_chart(h.say_in_plan_tiny(), synthetic=True, lang="en")
    assert "Synthetic example data" in _all_text(_svg(chart))
    assert "Synthetic example data" in chart.to_dict()["description"]


def test_figure_chart_unknown_kind_raises():
    fig = h.explained_at_start()
    fig.kind = "pie"
    with pytest.raises(ValueError, match="unknown kind 'pie'"):
        charts.figure_chart(fig)


# --------------------------------------------------------------------------- files


def test_save_chart_format_from_suffix(tmp_path):
    chart = charts.figure_chart(h.explained_at_start())
    png = charts.save_chart(chart, tmp_path / "a.png")
    svg = charts.save_chart(chart, tmp_path / "sub" / "b.svg")
    assert png.read_bytes()[:8] == PNG_MAGIC
    ET.fromstring(svg.read_bytes())
    forced = charts.save_chart(chart, tmp_path / "c.img", format="svg")
    assert forced.read_bytes().startswith(b"<svg")
    small = _png_size(charts.save_chart(chart, tmp_path / "d.png", scale=1).read_bytes())
    big = _png_size(png.read_bytes())
    assert big[0] == 2 * small[0]
    with pytest.raises(ValueError, match="format"):
        charts.save_chart(chart, tmp_path / "e.gif")
    with pytest.raises(ValueError, match="format"):
        charts.chart_bytes(chart, "jpg")


def test_write_figures_every_figure_of_compute_figures(tmp_path):
    from analysis.figures import compute_figures
    from sample_data.generator import generate

    df = generate(n=200, seed=11)
    figs = compute_figures(df)
    paths = charts.write_figures(figs, tmp_path / "svg", format="svg", synthetic=True)
    assert [p.name for p in paths] == [f"{fid}.svg" for fid in contract.FIGURE_IDS]
    for fig, path in zip(figs, paths):
        root = ET.fromstring(path.read_bytes())
        text = _all_text(root)
        assert fig.title in text, fig.id
        assert f"n = {fig.base_n}" in text, fig.id
        assert "Synthetische voorbeelddata" in text
        n_shown = int((~fig.table["suppressed"].astype(bool)).sum())
        assert len(_bars(root)) == n_shown, fig.id
    # a small frame: suppressed grade groups (n < 10) still render, with the text
    small = compute_figures(generate(n=60, seed=2))
    grade = next(f for f in small if f.id == "grade_by_workers")
    assert grade.table["suppressed"].any()
    png_paths = charts.write_figures(small, tmp_path / "png", format="png", lang="en")
    assert len(png_paths) == len(contract.FIGURE_IDS) and len(png_paths) >= 12
    for p in png_paths:
        assert p.read_bytes()[:8] == PNG_MAGIC and p.stat().st_size > 10_000
    root = _svg(charts.figure_chart(grade, lang="en"))
    assert "too few respondents" in _texts(root)


def test_write_figures_rejects_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="format"):
        charts.write_figures([h.explained_at_start()], tmp_path, format="bmp")


def test_chart_spec_is_the_validated_spec_of_every_figure_in_the_house_theme():
    # chart_spec skips the schema validation (the dashboards send it to the browser):
    # what it gives must be exactly what the validated conversion gives, for every figure and both languages
    from analysis.figures import compute_figures
    from sample_data.generator import generate

    for df in (generate(n=200, seed=11), generate(n=60, seed=2)):  # the second one with hidden groups
        for fig in compute_figures(df):
            for lang in ("nl", "en"):
                chart = charts.figure_chart(fig, lang=lang, synthetic=True)
                with alt.theme.enable("none"):  # another theme enabled globally: the house theme still
                    spec = charts.chart_spec(chart)
                with alt.theme.enable(charts.THEME_NAME):
                    assert spec == chart.to_dict(), (fig.id, lang)
                assert spec["config"]["font"] == charts.FONT
    assert charts.chart_spec(spec) is spec
