"""Charts of the contract figures in the inspectorates' house style (Altair / Vega-Lite).

One shared Altair theme (:data:`THEME_NAME`, registered and enabled on import),
one chart per figure (:func:`figure_chart`) and offline export to PNG, SVG or
PDF through ``vl-convert`` (:func:`chart_bytes`, :func:`save_chart`,
:func:`write_figures`).  No browser and no network are needed.

The charts read only these attributes of a figure (see docs/architecture.md,
"Figure tables"): ``id``, ``kind``, ``base_n``, ``table``, ``tests``,
``title`` and ``title_en``.  Estimates are shown as computed; rounding
happens only in the labels (half up, like a printed report).

Style
-----
Sober, after the Rijkshuisstijl: dark blue ``#01689B`` ("donkerblauw"),
light blue and grey; answer categories of an ordinal question run from
positive (dark) to negative (light); "weet niet" and "geen plan bekend" are
grey.  Every bar carries its percentage and a 95 % interval whisker, so colour
never carries information alone.  Groups with ``min_cell <= n < 30`` are drawn
lighter and marked ``*`` ("indicatief (n < 30)"); suppressed figures and groups
(``n < min_cell``) show the text "te weinig respondenten" and no bar; a group
of at least ``min_cell`` hidden by secondary suppression
(:func:`analysis.stats.secondary_suppression`) says "verborgen om een kleine
groep te beschermen" instead (:func:`analysis.wording.suppressed_text`).  Every
chart has a ``description`` for screen readers; exported SVG files carry it as
``<title>`` and ``aria-label``.

References
----------
Rijksoverheid (2024). *Rijkshuisstijl: kleuren* (donkerblauw #01689B,
hemelblauw #007BC7, lichtblauw #8FCAE7, grijstinten).
W3C (2018). *Web Content Accessibility Guidelines 2.1*, success criteria 1.1.1
(text alternatives) and 1.4.1 (use of colour).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from . import contract, i18n, wording
from .questionnaire import Item, Questionnaire, load_questionnaire

__all__ = [
    "THEME_NAME",
    "COLOURS",
    "FORMATS",
    "inspectie_theme",
    "chart_spec",
    "enable_theme",
    "category_colours",
    "figure_chart",
    "chart_bytes",
    "save_chart",
    "write_figures",
]

# --------------------------------------------------------------------------- style

THEME_NAME = "inspectie"
#: Rijksoverheid Sans is not free to ship; Liberation Sans (metric-compatible
#: with Arial) and DejaVu Sans are the offline fallbacks vl-convert finds.
FONT = "'RO Sans', 'Liberation Sans', Arial, 'DejaVu Sans', sans-serif"

COLOURS = {
    "donkerblauw": "#01689B",
    "hemelblauw": "#007BC7",
    "lichtblauw": "#8FCAE7",
    "grijs": "#B4B4B4",
    "grijs_donker": "#696969",
    "tekst": "#1A1A1A",
    "tekst_zacht": "#535353",
    "raster": "#E6E6E6",
    "as": "#999999",
    "foutbalk": "#333333",
}
DARK, LIGHT, GREY = COLOURS["donkerblauw"], COLOURS["lichtblauw"], COLOURS["grijs"]
#: Lightest end of the ordinal ramp (a pale blue that still shows on white).
_RAMP_END = "#B9DCF0"
#: Answer codes that are not on the positive-negative scale: drawn grey.
NEUTRAL_CODES = frozenset({"weet_niet", "geen_plan_bekend"})
#: Items whose answer codes run from positive to negative (questionnaire order).
ORDINAL_ITEMS = frozenset(
    {
        "contact_one_on_one",
        "explained_at_start",
        "opinion_asked",
        "involved_in_decisions",
        "asked_life_domains",
        "asked_safety",
        "say_in_plan",
        "help_improves",
        *contract.QUALITY_ITEMS,
    }
)
INDICATIVE_OPACITY = 0.45
#: Axis labels longer than this (characters) wrap onto more lines; a label is never cut off
#: (two long labels that start alike, "Gevraagd naar alle leefgebie...", would read the same).
LABEL_WRAP = 28
#: ``labelExpr`` that draws a label holding "\n" as separate lines.
LINES_EXPR = "split(datum.label, '\\n')"
#: Room for one wrapped line (pixels): far more than :data:`LABEL_WRAP` characters need.
LABEL_LIMIT = 360
FORMATS = ("png", "svg", "pdf")
CHART_WIDTH = 440

#: The worker-quality items (figure worker_qualities_by_gap) are labelled with
#: their short variable label (:func:`analysis.wording.variable_label`).
QUALITY_SHORT = frozenset(contract.QUALITY_ITEMS)
_RESPONDENT_GROUPS = wording.RESPONDENT_GROUP_KEY
_GAP_GROUPS = wording.GAP_GROUP_KEY
#: The last worker group on the x axis, lower case between the numbers
#: (the questionnaire answer reads "Meer dan 5"); other worker groups are numbers.
_WORKER_GROUPS = "labels.worker_group_short."
#: Catalog key prefix of the group labels, by figure id, then by the figure's ``group_column``.
GROUP_LABELS = {
    "contact_one_on_one": _RESPONDENT_GROUPS,
    "worker_qualities_by_gap": _GAP_GROUPS,
    "grade_by_workers": _WORKER_GROUPS,
}
GROUP_LABELS_BY_COLUMN = {
    "respondent_type": _RESPONDENT_GROUPS,
    "had_gap": _GAP_GROUPS,
    "n_workers": _WORKER_GROUPS,
}
#: Colours of groups (first group dark, second light; "weet niet" grey).
GROUP_COLOURS = {"jeugdige": DARK, "ouder": LIGHT, "nee": DARK, "ja": LIGHT, "weet_niet": GREY}


def inspectie_theme() -> dict:
    """The shared Altair theme: sober colours, left-aligned titles, 14 px text."""
    text, soft = COLOURS["tekst"], COLOURS["tekst_zacht"]
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": 14,
        "titleFontSize": 14,
        "labelColor": text,
        "titleColor": text,
        "titleFontWeight": "normal",
        "domainColor": COLOURS["as"],
        "tickColor": COLOURS["as"],
        "gridColor": COLOURS["raster"],
        "labelLimit": LABEL_LIMIT,
        "titlePadding": 10,
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 16,
            "view": {"stroke": None, "continuousWidth": CHART_WIDTH, "continuousHeight": 300},
            "title": {
                "font": FONT,
                "anchor": "start",
                "fontSize": 18,
                "fontWeight": "bold",
                "color": text,
                "subtitleFont": FONT,
                "subtitleFontSize": 14,
                "subtitleColor": soft,
                "subtitlePadding": 6,
                "lineHeight": 23,
                "subtitleLineHeight": 19,
                "offset": 14,
                "frame": "bounds",
            },
            "axis": axis,
            "axisBand": {"domain": False, "ticks": False, "labelPadding": 8},
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 14,
                "titleFontSize": 14,
                "labelColor": text,
                "titleColor": text,
                "orient": "top",
                "direction": "vertical",
                "symbolType": "square",
                "symbolSize": 180,
                "labelLimit": 420,
                "title": None,
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 14, "titleFontSize": 14},
            "text": {"font": FONT, "fontSize": 14, "color": text},
            "bar": {"color": DARK},
            "range": {"category": [DARK, LIGHT, GREY, COLOURS["hemelblauw"], COLOURS["grijs_donker"]]},
            "concat": {"spacing": 14},
        }
    }


def _theme_registry():
    theme_api = getattr(alt, "theme", None)
    if theme_api is not None and hasattr(theme_api, "register"):  # altair >= 5.5
        if THEME_NAME not in theme_api.names():
            theme_api.register(THEME_NAME, enable=False)(inspectie_theme)
        return theme_api
    alt.themes.register(THEME_NAME, inspectie_theme)  # pragma: no cover - older altair
    return alt.themes  # pragma: no cover


def enable_theme() -> None:
    """Register (once) and enable the house theme for every Altair chart."""
    _theme_registry().enable(THEME_NAME)


def _theme_enabled():
    """Context manager: the house theme for one export, whatever is enabled globally."""
    return _theme_registry().enable(THEME_NAME)


enable_theme()


def _ramp(k: int) -> list[str]:
    """``k`` blues from dark (positive) to pale (negative), linear in RGB."""
    if k <= 1:
        return [DARK][:k]
    return [_mix(DARK, _RAMP_END, j / (k - 1)) for j in range(k)]


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ca, cb))


def _stroke(fill: str) -> str:
    """Outline of a bar: a darker shade, so pale bars still stand out on white."""
    if fill.upper() == GREY.upper():
        return COLOURS["grijs_donker"]
    return _mix(fill, DARK, 0.55)


def category_colours(item_id: str, codes: Sequence[Any]) -> list[str]:
    """Colours for the answer codes of an item, in the given order.

    Ordinal items get a ramp from dark blue (first, most positive answer) to
    pale blue (last, most negative); other items are dark blue throughout.
    ``weet_niet`` and ``geen_plan_bekend`` are grey in both cases.
    """
    codes = [str(c) for c in codes]
    scale = [c for c in codes if c not in NEUTRAL_CODES]
    ramp = _ramp(len(scale)) if item_id in ORDINAL_ITEMS else [DARK] * len(scale)
    colour = dict(zip(scale, ramp))
    return [GREY if c in NEUTRAL_CODES else colour[c] for c in codes]


# --------------------------------------------------------------------------- helpers


def _is_missing(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _num(x: Any) -> float | None:
    return None if _is_missing(x) else float(x)


#: Chart labels show a missing value as an en dash and a minus as U+2212.
_MISSING, _MINUS = "\u2013", "\u2212"


def _fmt(x: Any, decimals: int = 0, lang: str = "nl") -> str:
    """Display rounding (:func:`analysis.wording.fmt_number`, half up); minus sign U+2212."""
    return wording.fmt_number(x, decimals, lang, missing=_MISSING, minus=_MINUS)


def _fmt_p(p: Any, lang: str) -> str:
    return wording.fmt_p(p, lang, missing=_MISSING)


def _fmt_n(n: Any) -> str:
    return _MISSING if _is_missing(n) else str(int(round(float(n))))


def _flag(x: Any) -> bool:
    return False if _is_missing(x) else bool(x)


def _wrap(text: str, width: int = 52) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [text]


def wrap_label(text: Any, width: int = LABEL_WRAP) -> str:
    """An axis label broken into lines of at most ``width`` characters (joined by "\\n").

    Draw it with ``alt.Axis(labelExpr=LINES_EXPR)``.  Words are never broken and
    wrapping a wrapped label changes nothing.

    >>> wrap_label("Gevraagd naar alle leefgebieden: Een beetje")
    'Gevraagd naar alle\\nleefgebieden: Een beetje'
    """
    text = str(text)
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False) or [text])


def number_locale(lang: str) -> dict[str, Any]:
    """Vega's number format locale for ``lang`` (d3-format): the decimal separator of the
    catalog (Dutch: comma) and its thousands separator, so axis numbers read like the text."""
    return {
        "decimal": i18n.text("format.decimal_separator", lang),
        "thousands": i18n.text("a11y.chart.thousands_separator", lang),
        "grouping": [3],
        "currency": ["", ""],
    }


def localised(chart, lang: str):
    """The chart with Vega-Lite's format locale (``config.locale.number``) of ``lang``:
    axis ticks and formatted numbers use the decimal comma in Dutch."""
    return chart.configure(locale=alt.Locale(number=alt.NumberLocale(**number_locale(lang))))


class _Ctx:
    """What every chart builder needs: the figure, language, labels and options."""

    def __init__(self, fig, lang: str, labels, min_cell: int, synthetic: bool, decimals: int, width: int):
        self.fig, self.lang, self.min_cell = fig, i18n.check_language(lang), int(min_cell)
        self.synthetic, self.decimals, self.width = synthetic, int(decimals), int(width)
        if isinstance(labels, Questionnaire):
            self.questionnaire, self.overrides = labels, {}
        else:
            self.questionnaire, self.overrides = load_questionnaire(), dict(labels or {})
        self.footnotes: list[str] = []

    @property
    def title(self) -> str:
        return wording.figure_title(self.fig, self.lang)

    @property
    def item_id(self) -> str:
        """The questionnaire item of the categories: the figure id, else its first item."""
        if self.item(self.fig.id) is not None:
            return self.fig.id
        for item_id in getattr(self.fig, "items", None) or ():
            if self.item(item_id) is not None:
                return item_id
        return self.fig.id

    def item(self, item_id: str) -> Item | None:
        try:
            return self.questionnaire.item(item_id)
        except KeyError:
            return None

    def t(self, key: str, **params: Any) -> str:
        return i18n.text(key, self.lang, **params)

    def category_label(self, item_id: str, code: Any) -> str:
        code_s = str(code)
        if code_s in self.overrides:
            return str(self.overrides[code_s])
        if item_id == "n_workers" and code_s == contract.WORKER_GROUPS[6]:
            code = 6
        item = self.item(item_id)
        return item.label(code, self.lang) if item is not None else code_s

    def group_label(self, code: Any) -> str:
        code_s = str(code)
        if code_s in self.overrides:
            return str(self.overrides[code_s])
        prefix = GROUP_LABELS.get(self.fig.id)
        if prefix is None or not i18n.has_text(prefix + code_s):
            column = getattr(self.fig, "group_column", None)
            prefix = GROUP_LABELS_BY_COLUMN.get(column or "")
        return self.t(prefix + code_s) if prefix and i18n.has_text(prefix + code_s) else code_s

    def group_n(self, group: str) -> Any:
        """The base n of a group from ``fig.group_n`` when the figure has it, else None."""
        group_n = getattr(self.fig, "group_n", None)
        if isinstance(group_n, Mapping) and group in group_n and not _is_missing(group_n[group]):
            return group_n[group]
        return None

    def item_label(self, item_id: str) -> str:
        if item_id in self.overrides:
            return str(self.overrides[item_id])
        if item_id in QUALITY_SHORT:
            return wording.variable_label(item_id, self.lang)
        item = self.item(item_id)
        return item.question("ouder", self.lang) if item is not None else item_id

    def too_few(self, n: Any = None) -> str:
        """The suppression text of :func:`analysis.wording.suppressed_text` for base ``n``.

        "te weinig respondenten (n < 10)" for a known base under ``min_cell``,
        else (unknown base: a cell the protected table hides; or a larger group
        hidden by secondary suppression) "verborgen (minder dan 10, of ter
        bescherming van een kleine groep)".
        """
        return wording.suppressed_text(self.min_cell, self.lang, n=n)

    def hidden(self, n: Any = None) -> str:
        """The text in the place of a suppressed bar: "te weinig respondenten" for a known base
        under ``min_cell`` (the footnote and table give the threshold), else :meth:`too_few`."""
        return self.t("suppression.too_few_short") if wording.known_small(n, self.min_cell) else self.too_few(n)

    def row_base(self, rec: Mapping) -> Any:
        """The base n behind one table row (None when unknown): the figure's
        base for a distribution, the group's base for a distribution by group
        (``fig.group_n`` or a ``base_n`` column), else the row's ``n``."""
        kind = getattr(self.fig, "kind", None)
        if kind == "distribution":
            n = getattr(self.fig, "base_n", None)
        elif kind == "distribution_by_group":
            n = self.group_n(str(rec.get("group")))
            if n is None:
                n = rec.get("base_n")
        else:
            n = rec.get("n")
        return None if _is_missing(n) else n

    def pct_label(self, pct: Any, indicative: bool) -> str:
        return f"{_fmt(pct, self.decimals, self.lang)}%" + ("*" if indicative else "")

    def pct_text(self, row: Mapping) -> str:
        """Screen-reader text of one estimate: '41 procent (95%-… 38 tot 44)'."""
        if row["suppressed"]:
            return self.hidden(row.get("_base"))
        d, lang = self.decimals, self.lang
        s = f"{_fmt(row['pct'], d, lang)} {self.t('charts.percent')}"
        if row.get("ci_low") is not None and row.get("ci_high") is not None:
            interval = self.t("format.interval", low=_fmt(row["ci_low"], d, lang), high=_fmt(row["ci_high"], d, lang))
            s += f" ({self.t('charts.ci')} {interval})"
        if row["indicative"]:
            s += f", {self.t('charts.indicative')}"
        return s


def _estimate_rows(ctx: _Ctx, table: pd.DataFrame, value: str) -> list[dict]:
    """Rows of a figure table as plain dicts; suppressed rows lose every estimate."""
    rows = []
    for rec in table.to_dict("records"):
        suppressed = _flag(rec.get("suppressed")) or _is_missing(rec.get(value))
        r = dict(rec)
        r["_base"] = ctx.row_base(rec)
        r["suppressed"] = suppressed
        r["indicative"] = (not suppressed) and _flag(rec.get("indicative"))
        for col in (value, "ci_low", "ci_high", "n_positive", "sd"):
            if col in r:
                r[col] = None if suppressed else _num(r[col])
        rows.append(r)
    return rows


def _finish(ctx: _Ctx, main: alt.TopLevelMixin, subtitle: list[str], description: str):
    """Add title, subtitle, footnotes and the description to a chart.

    Footnotes are the bottom title of the plot (left-aligned under the axis);
    the synthetic-data marker is its bold last line.  The chart is wrapped in a
    one-view ``vconcat`` so that it can carry both the top and the bottom title.
    """
    notes = list(ctx.footnotes)
    synthetic = [ctx.t("charts.synthetic")] if ctx.synthetic else []
    desc = description + (f" {ctx.t('charts.synthetic')}." if ctx.synthetic else "")
    title = alt.Title(text=_wrap(ctx.title), subtitle=subtitle)
    if notes or synthetic:
        style = {
            "orient": "bottom",
            "anchor": "start",
            "frame": "bounds",
            "offset": 16,
            "fontSize": 13,
            "lineHeight": 18,
            "subtitleFontSize": 13,
            "subtitleLineHeight": 18,
            "subtitlePadding": 4,
            "subtitleFontWeight": "bold",
            "subtitleColor": COLOURS["tekst"],
        }
        if notes:
            foot = alt.Title(text=notes, subtitle=synthetic, fontWeight="normal", color=COLOURS["tekst_zacht"], **style)
        else:
            foot = alt.Title(text=synthetic, fontWeight="bold", color=COLOURS["tekst"], **style)
        chart = alt.vconcat(_props(main, title=foot))
    else:
        chart = main
    return localised(_props(chart, title=title, description=desc), ctx.lang)


def _suppressed_chart(ctx: _Ctx, subtitle: list[str], lines: list[str] | None = None):
    """A grey box with text instead of bars: "te weinig respondenten (n < 10)"
    for a suppressed figure, or one line per group (``lines``) when every
    group of a large enough figure is hidden (a long line breaks after its
    colon)."""
    if not lines:
        message = ctx.too_few(ctx.fig.base_n)
        data = pd.DataFrame({"message": [message], "n": [ctx.fig.base_n], "y": [60]})
        height, font, baseline = 120, 16, "middle"
        desc_lines = [message]
    else:
        texts, ys, y = [], [], 24
        for line in lines:
            head, sep, tail = line.partition(": ")
            if sep and len(line) > 50:
                texts.append(f"{head}:\n{tail}")
                ys.append(y)
                y += 2 * 20 + 12
            else:
                texts.append(line)
                ys.append(y)
                y += 20 + 12
        data = pd.DataFrame({"message": texts, "n": [ctx.fig.base_n] * len(texts), "y": ys})
        height, font, baseline = y - 12 + 24, 14, "top"
        desc_lines = lines
    msg = (
        alt.Chart(data)
        .mark_text(
            fontSize=font,
            color=COLOURS["tekst_zacht"],
            align="center",
            baseline=baseline,
            lineBreak="\n",
            lineHeight=20,
        )
        .encode(text=alt.Text("message:N"), x=alt.XValue(ctx.width / 2), y=alt.Y("y:Q", scale=None))
        .properties(width=ctx.width, height=height)
    )
    frame = (
        alt.Chart(data.head(1))
        .mark_rect(fill="#F3F3F3", stroke=COLOURS["raster"])
        .encode(x=alt.XValue(0), x2=alt.X2Value(ctx.width), y=alt.YValue(0), y2=alt.Y2Value(height))
    )
    base = wording.size_text(ctx.fig.base_n, getattr(ctx.fig, "base_n_below", None), ctx.lang)
    desc = f"{ctx.title}. n = {base}: {'; '.join(desc_lines)}."
    return _finish(ctx, alt.layer(frame, msg), subtitle, desc)


def _figure_suppressed(ctx: _Ctx) -> bool:
    """True when the whole figure is suppressed: its base is unknown or under ``min_cell``."""
    n = getattr(ctx.fig, "base_n", None)
    return _is_missing(n) or float(n) < ctx.min_cell


def _group_base(rows: list[dict], group: str) -> Any:
    """The smallest base of a group's rows (None when one is unknown): decides
    whether a hidden group is small itself or hidden to protect another."""
    bases = [r["_base"] for r in rows if str(r["group"]) == group]
    if not bases or any(b is None for b in bases):
        return None
    return min(bases)


def _hidden_group_line(ctx: _Ctx, rows: list[dict], group: str) -> str:
    """ "Ouders (n = 40): verborgen om een kleine groep te beschermen" (n only when known)."""
    n = ctx.group_n(group)
    if n is None:
        n = _group_base(rows, group)
    if n is None:
        # protected table (issue 9): a small hidden group reads "minder dan 10", never its exact size
        below = next(
            (r.get("n_below") for r in rows if str(r["group"]) == group and not _is_missing(r.get("n_below"))), None
        )
        if not any("n_below" in r for r in rows):  # not from the protected table: an unknown size is small
            return f"{ctx.group_label(group)}: {ctx.too_few(None)}"
        label = f"{ctx.group_label(group)} (n = {wording.size_text(None, below, ctx.lang)})"
        # a hidden size is never known to be small: "verborgen (minder dan 10, of ter bescherming ...)"
        return f"{label}: {ctx.too_few(None)}"
    label = f"{ctx.group_label(group)} (n = {_fmt_n(n)})"
    return f"{label}: {ctx.too_few(_group_base(rows, group))}"


def _all_hidden_chart(ctx: _Ctx, subtitle: list[str], rows: list[dict]):
    """Every estimate of a grouped figure is suppressed: the figure's text, or,
    when the figure itself is large enough (secondary suppression), one line
    per group saying why it is hidden."""
    if not rows or _figure_suppressed(ctx) or "group" not in rows[0]:
        return _suppressed_chart(ctx, subtitle)
    groups = list(dict.fromkeys(str(r["group"]) for r in rows))
    return _suppressed_chart(ctx, subtitle, [_hidden_group_line(ctx, rows, g) for g in groups])


#: View names of the layers (the SVG mark groups get the class ``<name>_marks``).
LAYER_NAMES = ("bars", "whiskers", "whisker_low", "whisker_high", "values", "too_few")


def _props(chart, **kwargs):
    """``chart.properties(**kwargs)`` on a chart this module has just made and not shared: set in
    place, without a copy and without checking each value against the Vega-Lite schema.

    Altair checks every property on its own (about 1 ms each), and any copy of
    a layered chart copies every layer deeply again: together half of a
    figure's build (issue 10: the dashboards build charts per selection).  The
    finished specs of every figure are validated in tests/test_charts.py.
    """
    for key, value in kwargs.items():
        setattr(chart, key, value)
    return chart


def _indicative_opacity() -> alt.FillOpacityValue:
    """Indicative bars lighter.  Channels are given as their classes throughout this module: a
    shorthand text or dict makes Altair look its class up by hashing the whole schema (~5 ms each)."""
    return alt.FillOpacityValue(condition={"test": "datum.indicative", "value": INDICATIVE_OPACITY}, value=1.0)


def _named(*layers):
    return [_props(layer, name=name) for layer, name in zip(layers, LAYER_NAMES)]


def _pct_axis(ctx: _Ctx) -> alt.X:
    return alt.X(
        "pct:Q",
        scale=alt.Scale(domain=[0, 100], nice=False),
        axis=alt.Axis(
            values=[0, 20, 40, 60, 80, 100],
            labelExpr="datum.value + '%'",
            title=None,
            grid=True,
            domain=False,
            ticks=False,
        ),
    )


def _hbar_layers(
    ctx: _Ctx,
    data: pd.DataFrame,
    *,
    y_order: list[str],
    colour_domain: list[str],
    colour_range: list[str],
    colour_field: str,
    offset_order: list[str] | None,
    legend: bool,
    step: int,
) -> alt.LayerChart:
    """Horizontal percentage bars with 95 % whiskers and labels (grouped if offset_order)."""
    y = alt.Y(
        "y:N",
        sort=[wrap_label(v) for v in y_order],
        title=None,
        scale=alt.Scale(paddingInner=0.25, paddingOuter=0.1),
        axis=alt.Axis(labelExpr=LINES_EXPR, labelLimit=LABEL_LIMIT),
    )
    enc: dict[str, Any] = {"y": y}
    if offset_order is not None:
        enc["yOffset"] = alt.YOffset(
            "group_label:N", sort=offset_order, scale=alt.Scale(domain=offset_order, paddingInner=0.08)
        )
    colour = alt.Color(
        f"{colour_field}:N",
        scale=alt.Scale(domain=colour_domain, range=colour_range),
        sort=colour_domain,
        legend=alt.Legend(title=None) if legend else None,
    )
    stroke = alt.Stroke(
        f"{colour_field}:N",
        legend=None,
        scale=alt.Scale(domain=colour_domain, range=[_stroke(c) for c in colour_range]),
    )
    tooltip = [alt.Tooltip("y_text:N", title=""), alt.Tooltip("tip:N", title="")]
    if offset_order is not None:
        tooltip.insert(1, alt.Tooltip("group_label:N", title=""))
    base = alt.Chart(data)
    bars = (
        base.transform_filter("isValid(datum.pct)")
        .mark_bar(strokeWidth=1)
        .encode(
            x=_pct_axis(ctx),
            color=colour,
            stroke=stroke,
            fillOpacity=_indicative_opacity(),
            tooltip=tooltip,
            description=alt.Description("aria:N"),
            **enc,
        )
    )
    valid_ci = "isValid(datum.ci_low) && isValid(datum.ci_high)"
    whisker = (
        base.transform_filter(valid_ci)
        .mark_rule(color=COLOURS["foutbalk"], strokeWidth=1.5, aria=False)
        .encode(x=alt.X("ci_low:Q"), x2=alt.X2("ci_high:Q"), **enc)
    )
    caps = [
        base.transform_filter(valid_ci)
        .mark_tick(color=COLOURS["foutbalk"], thickness=1.5, size=max(6, step // 3), aria=False)
        .encode(x=alt.X(f"{c}:Q"), **enc)
        for c in ("ci_low", "ci_high")
    ]
    labels = (
        base.transform_filter("isValid(datum.pct)")
        .mark_text(
            align="left",
            baseline="middle",
            dx=6,
            fontSize=14 if offset_order is None else 13,
            aria=False,
        )
        .encode(x=alt.X("label_x:Q"), text=alt.Text("pct_label:N"), **enc)
    )
    too_few = (
        base.transform_filter("datum.too_few != ''")
        .mark_text(
            align="left",
            baseline="middle",
            dx=4,
            fontSize=13,
            fontStyle="italic",
            color=COLOURS["tekst_zacht"],
        )
        .encode(x=alt.X(datum=0), text=alt.Text("too_few:N"), **enc)
    )
    return _props(alt.layer(*_named(bars, whisker, *caps, labels, too_few)), width=ctx.width, height=alt.Step(step))


def _hbar_frame(ctx: _Ctx, rows: list[dict], y_label, group_label=None) -> pd.DataFrame:
    out = []
    for r in rows:
        pct, hi = r.get("pct"), r.get("ci_high")
        d = {
            "y": wrap_label(y_label(r)),
            "y_text": y_label(r),
            "pct": pct,
            "ci_low": r.get("ci_low"),
            "ci_high": hi,
            "n": None if r["suppressed"] else _num(r.get("n")),
            "suppressed": r["suppressed"],
            "indicative": r["indicative"],
            "label_x": None if pct is None else max(pct, hi if hi is not None else pct),
            "pct_label": "" if pct is None else ctx.pct_label(pct, r["indicative"]),
            "too_few": ctx.hidden(r["_base"]) if r["suppressed"] else "",
            "tip": ctx.pct_text(r),
        }
        d["aria"] = f"{d['y_text']}: {d['tip']}"
        if group_label is not None:
            d["group"] = str(r["group"])
            d["group_label"] = group_label(r)
            d["aria"] = f"{d['y_text']}, {d['group_label']}: {d['tip']}"
        if "item" in r:
            d["item"] = str(r["item"])
        if "category" in r:
            d["category"] = str(r["category"])
        out.append(d)
    return pd.DataFrame(out)


def _indicative_note(ctx: _Ctx, rows: Iterable[Mapping]) -> None:
    if any(r["indicative"] for r in rows):
        ctx.footnotes.append(ctx.t("charts.indicative_note", below=contract.INDICATIVE_BELOW))


def _n_text(n: Any, ctx: _Ctx) -> str:
    """ "n = 25", or "verborgen" for a hidden size (small, or hidden to protect a small group: never
    "n < 10", which would be false for the second; outsider finding, stop 17)."""
    return wording.size_text(None, None, ctx.lang) if _is_missing(n) else f"n = {_fmt_n(n)}"


# --------------------------------------------------------------------------- kinds


def _distribution(ctx: _Ctx):
    fig = ctx.fig
    rows = _estimate_rows(ctx, fig.table, "pct")
    subtitle = [f"n = {_fmt_n(fig.base_n)}"]
    if not rows or all(r["suppressed"] for r in rows) or (not _is_missing(fig.base_n) and fig.base_n < ctx.min_cell):
        return _suppressed_chart(ctx, subtitle)
    data = _hbar_frame(ctx, rows, lambda r: ctx.category_label(ctx.item_id, r["category"]))
    codes = [str(r["category"]) for r in rows]
    labels = list(data["y"])
    colours = category_colours(ctx.item_id, codes)
    _indicative_note(ctx, rows)
    ctx.footnotes.insert(0, ctx.t("charts.whiskers"))
    main = _hbar_layers(
        ctx,
        data,
        y_order=labels,
        colour_domain=labels,
        colour_range=colours,
        colour_field="y",
        offset_order=None,
        legend=False,
        step=38,
    )
    desc = (
        f"{ctx.t('charts.bar_chart')}: {ctx.title} n = {_fmt_n(fig.base_n)}. "
        + "; ".join(f"{lab}: {ctx.pct_text(r)}" for lab, r in zip(data["y_text"], rows))
        + "."
    )
    return _finish(ctx, main, subtitle, desc)


def _group_bases(ctx: _Ctx, rows: list[dict]) -> dict[str, Any]:
    """Base n per group: ``fig.group_n`` or a ``base_n`` column if there is one, else
    the sum of the category counts; ``None`` (shown as "n < min_cell") for a
    suppressed group whose base is unknown."""
    bases: dict[str, Any] = {}
    for g in dict.fromkeys(str(r["group"]) for r in rows):
        grows = [r for r in rows if str(r["group"]) == g]
        given = [r["base_n"] for r in grows if not _is_missing(r.get("base_n"))]
        if ctx.group_n(g) is not None:
            bases[g] = ctx.group_n(g)
        elif given:
            bases[g] = given[0]
        elif any(r["suppressed"] or _is_missing(r.get("n")) for r in grows):
            bases[g] = None
        else:
            bases[g] = sum(float(r["n"]) for r in grows)
    return bases


def _grouped_chart(
    ctx: _Ctx, rows: list[dict], *, y_label, y_order: list[str], groups: list[str], glabel: dict[str, str], step: int
):
    """Grouped horizontal bars: one colour per group, slots via yOffset.

    A group whose every row is suppressed gets no slot: a footnote says
    "<group> (n = 4): te weinig respondenten (n < min_cell)", or "<group>
    (n = 40): verborgen om een kleine groep te beschermen" for a group hidden
    by secondary suppression.  A single suppressed cell keeps its slot with
    the text "te weinig respondenten" (or the protection text).
    """
    whole = [g for g in groups if all(r["suppressed"] for r in rows if str(r["group"]) == g)]
    shown = [g for g in groups if g not in whole]
    data = _hbar_frame(ctx, rows, y_label, lambda r: glabel[str(r["group"])])
    data.loc[data["group"].isin(whole), "too_few"] = ""
    order = [glabel[g] for g in shown]
    default = [DARK, LIGHT, COLOURS["hemelblauw"], GREY]
    if all(g in GROUP_COLOURS for g in groups) and len({GROUP_COLOURS[g] for g in groups}) == len(groups):
        colours = [GROUP_COLOURS[g] for g in shown]
    else:
        colours = [default[groups.index(g) % len(default)] for g in shown]
    _indicative_note(ctx, rows)
    ctx.footnotes.insert(0, ctx.t("charts.whiskers"))
    for g in whole:
        ctx.footnotes.append(_hidden_group_line(ctx, rows, g))
    return _hbar_layers(
        ctx,
        data,
        y_order=y_order,
        colour_domain=order,
        colour_range=colours,
        colour_field="group_label",
        offset_order=order,
        legend=True,
        step=step,
    )


def _group_description(ctx: _Ctx, rows: list[dict], groups: list[str], glabel: dict[str, str], cell_label) -> str:
    parts = []
    for g in groups:
        grows = [r for r in rows if str(r["group"]) == g]
        if all(r["suppressed"] for r in grows):
            parts.append(_hidden_group_line(ctx, rows, g))
        else:
            parts.append(f"{glabel[g]}: " + ", ".join(f"{cell_label(r)} {ctx.pct_text(r)}" for r in grows))
    return "; ".join(parts)


def _distribution_by_group(ctx: _Ctx):
    fig = ctx.fig
    rows = _estimate_rows(ctx, fig.table, "pct")
    subtitle = [f"n = {_fmt_n(fig.base_n)}"]
    if not rows or all(r["suppressed"] for r in rows):
        return _all_hidden_chart(ctx, subtitle, rows)
    bases = _group_bases(ctx, rows)
    groups = list(dict.fromkeys(str(r["group"]) for r in rows))
    glabel = {g: f"{ctx.group_label(g)} ({_n_text(bases.get(g), ctx)})" for g in groups}

    def cat(r):
        return ctx.category_label(ctx.item_id, r["category"])

    y_order = list(dict.fromkeys(cat(r) for r in rows))
    main = _grouped_chart(ctx, rows, y_label=cat, y_order=y_order, groups=groups, glabel=glabel, step=24)
    desc = (
        f"{ctx.t('charts.bar_chart')}: {ctx.title} n = {_fmt_n(fig.base_n)}. "
        + _group_description(ctx, rows, groups, glabel, cat)
        + "."
    )
    return _finish(ctx, main, subtitle, desc)


def _group_sort_key(group: str) -> tuple:
    order = list(contract.WORKER_GROUPS.values())
    return (order.index(group), "") if group in order else (len(order), group)


def _tests_line(ctx: _Ctx) -> list[str]:
    tests = getattr(ctx.fig, "tests", None) or {}
    out = []
    sp = tests.get("spearman") if isinstance(tests, Mapping) else None
    if isinstance(sp, Mapping):
        rho = next((sp[k] for k in ("rho", "statistic", "estimate") if k in sp), None)
        out.append(f"Spearman rho = {_fmt(rho, 2, ctx.lang)} ({_fmt_p(sp.get('p_value'), ctx.lang)})")
    kw = tests.get("kruskal_wallis") if isinstance(tests, Mapping) else None
    if isinstance(kw, Mapping):
        h = next((kw[k] for k in ("statistic", "H", "h") if k in kw), None)
        out.append(f"Kruskal-Wallis H = {_fmt(h, 1, ctx.lang)} ({_fmt_p(kw.get('p_value'), ctx.lang)})")
    return out


def _mean_by_group(ctx: _Ctx):
    fig = ctx.fig
    rows = _estimate_rows(ctx, fig.table, "mean")
    tests = _tests_line(ctx)
    subtitle = [f"n = {_fmt_n(fig.base_n)}"] + ([" · ".join(tests)] if tests else [])
    if not rows or (all(r["suppressed"] for r in rows) and _figure_suppressed(ctx)):
        return _suppressed_chart(ctx, subtitle)
    # every group hidden in a large enough figure (secondary suppression):
    # the usual axis, each group with its n and why it is hidden
    rows = sorted(rows, key=lambda r: _group_sort_key(str(r["group"])))
    lang, out = ctx.lang, []
    for r in rows:
        g = str(r["group"])
        name = ctx.group_label(g)
        mean, hi = r["mean"], r.get("ci_high")
        out.append(
            {
                "group": g,
                "group_name": name,
                "x": f"{name}\n{_n_text(r.get('n'), ctx)}",
                "n": _num(r.get("n")),
                "mean": mean,
                "ci_low": r.get("ci_low"),
                "ci_high": hi,
                "suppressed": r["suppressed"],
                "indicative": r["indicative"],
                "label_y": None if mean is None else max(mean, hi if hi is not None else mean),
                "mean_label": "" if mean is None else _fmt(mean, 1, lang) + ("*" if r["indicative"] else ""),
                "too_few": ctx.hidden(r["_base"]) if r["suppressed"] else "",
                "tip": (
                    ctx.hidden(r["_base"])
                    if r["suppressed"]
                    else f"{ctx.t('charts.mean')} {_fmt(mean, 1, lang)} ({ctx.t('charts.ci')} "
                    f"{ctx.t('format.interval', low=_fmt(r.get('ci_low'), 1, lang), high=_fmt(hi, 1, lang))})"
                    + (f", {ctx.t('charts.indicative')}" if r["indicative"] else "")
                ),
            }
        )
        out[-1]["aria"] = f"{ctx.t('charts.n_workers')} {name} ({_n_text(r.get('n'), ctx)}): {out[-1]['tip']}"
    data = pd.DataFrame(out)
    x_order = list(data["x"])
    x = alt.X(
        "x:N",
        sort=x_order,
        title=ctx.t("charts.n_workers"),
        scale=alt.Scale(paddingInner=0.3, paddingOuter=0.15),
        axis=alt.Axis(
            labelExpr="split(datum.label, '\\n')",
            labelAngle=0,
            labelLineHeight=18,
            domain=True,
            ticks=False,
            labelPadding=6,
        ),
    )
    y_scale = alt.Scale(domain=[1, 10], nice=False, clamp=True)
    y_axis = alt.Axis(
        values=list(range(1, 11)),
        title=ctx.t("charts.mean_grade"),
        grid=True,
        domain=False,
        ticks=False,
        labelOverlap=False,
    )

    def y(field: str) -> alt.Y:
        return alt.Y(f"{field}:Q", scale=y_scale, axis=y_axis)

    base = alt.Chart(data)
    bars = (
        base.transform_filter("isValid(datum.mean)")
        .mark_bar(color=DARK, strokeWidth=1, stroke=DARK)
        .encode(
            x=x,
            y=y("mean"),
            y2=alt.Y2(datum=1),
            fillOpacity=_indicative_opacity(),
            tooltip=[alt.Tooltip("group_name:N", title=ctx.t("charts.n_workers")), alt.Tooltip("tip:N", title="")],
            description=alt.Description("aria:N"),
        )
    )
    valid_ci = "isValid(datum.ci_low) && isValid(datum.ci_high)"
    whisker = (
        base.transform_filter(valid_ci)
        .mark_rule(color=COLOURS["foutbalk"], strokeWidth=1.5, aria=False)
        .encode(x=x, y=y("ci_low"), y2=alt.Y2("ci_high:Q"))
    )
    caps = [
        base.transform_filter(valid_ci)
        .mark_tick(color=COLOURS["foutbalk"], thickness=1.5, size=12, orient="horizontal", aria=False)
        .encode(x=x, y=y(c))
        for c in ("ci_low", "ci_high")
    ]
    labels = (
        base.transform_filter("isValid(datum.mean)")
        .mark_text(baseline="bottom", dy=-5, fontSize=14, fontWeight="bold", aria=False)
        .encode(x=x, y=y("label_y"), text=alt.Text("mean_label:N"))
    )
    too_few = (
        base.transform_filter("datum.suppressed")
        .mark_text(
            angle=270,
            align="left",
            baseline="middle",
            dx=8,
            fontSize=13,
            fontStyle="italic",
            color=COLOURS["tekst_zacht"],
        )
        .encode(x=x, y=alt.Y(datum=1, scale=y_scale, axis=y_axis), text=alt.Text("too_few:N"))
    )
    main = _props(alt.layer(*_named(bars, whisker, *caps, labels, too_few)), width=ctx.width, height=300)
    _indicative_note(ctx, rows)
    if not all(r["suppressed"] for r in rows):
        ctx.footnotes.insert(0, ctx.t("charts.whiskers"))
    parts = [f"{d['group_name']} ({_n_text(d['n'], ctx)}): {d['tip']}" for d in out]
    desc = (
        f"{ctx.t('charts.bar_chart')}: {ctx.title} n = {_fmt_n(fig.base_n)}. "
        + "; ".join(parts)
        + "."
        + (" " + "; ".join(tests) + "." if tests else "")
    )
    return _finish(ctx, main, subtitle, desc)


def _pct_by_group(ctx: _Ctx):
    fig = ctx.fig
    rows = _estimate_rows(ctx, fig.table, "pct")
    subtitle = [f"{ctx.t('charts.pct_yes')} · n = {_fmt_n(fig.base_n)}"]
    if not rows or all(r["suppressed"] for r in rows):
        return _all_hidden_chart(ctx, subtitle, rows)
    groups = list(dict.fromkeys(str(r["group"]) for r in rows))
    # the gap figure shows "never without a worker" (nee) first, as published
    if set(groups) == {"ja", "nee"}:
        groups = ["nee", "ja"]
    glabel = {}
    for g in groups:
        if ctx.group_n(g) is not None:
            glabel[g] = f"{ctx.group_label(g)} (n = {_fmt_n(ctx.group_n(g))})"
            continue
        ns = [
            float(r["n"]) for r in rows if str(r["group"]) == g and not r["suppressed"] and not _is_missing(r.get("n"))
        ]
        if not ns:
            n_txt = f"n < {ctx.min_cell}"
        elif min(ns) == max(ns):
            n_txt = f"n = {_fmt_n(ns[0])}"
        else:
            n_txt = f"n = {_fmt_n(min(ns))}–{_fmt_n(max(ns))}"
        glabel[g] = f"{ctx.group_label(g)} ({n_txt})"

    def item(r):
        return ctx.item_label(str(r["item"]))

    y_order = list(dict.fromkeys(item(r) for r in rows))
    main = _grouped_chart(ctx, rows, y_label=item, y_order=y_order, groups=groups, glabel=glabel, step=24)
    desc = (
        f"{ctx.t('charts.bar_chart')}: {ctx.title} {subtitle[0]}. "
        + _group_description(ctx, rows, groups, glabel, item)
        + "."
    )
    return _finish(ctx, main, subtitle, desc)


_BUILDERS = {
    "distribution": _distribution,
    "distribution_by_group": _distribution_by_group,
    "mean_by_group": _mean_by_group,
    "pct_by_group": _pct_by_group,
}


def figure_chart(
    fig,
    *,
    lang: str = "nl",
    labels: Questionnaire | Mapping[str, str] | None = None,
    synthetic: bool = False,
    decimals: int = 0,
    width: int = CHART_WIDTH,
) -> alt.TopLevelMixin:
    """Chart one figure (a ``FigureResult``) in the house style.

    Parameters
    ----------
    fig : FigureResult
        Uses ``id``, ``kind``, ``base_n``, ``table``, ``tests``, ``title``,
        ``title_en`` and ``min_cell`` only; ``table`` has the columns of its
        ``kind`` (docs/architecture.md).  ``min_cell`` (the threshold the
        figure was computed with) is only used in the texts: "te weinig
        respondenten (n < min_cell)" for a suppressed row whose base is under
        it (or unknown), "verborgen (minder dan 10, of ter bescherming van een kleine groep)" for one
        whose base is not (secondary suppression).  Which rows are suppressed
        is read from the table's ``suppressed`` column.
    lang : {'nl', 'en'}
        Dutch (default) or English titles and labels.
    labels : Questionnaire or mapping, optional
        The questionnaire whose answer labels to use (default: the built-in
        one), or a mapping ``code -> label`` that overrides category, group
        and item labels.
    synthetic : bool
        Add the footnote "Synthetische voorbeelddata".
    decimals : int
        Decimals of the percentage labels (display rounding, half up).
    width : int
        Width of the plot area in pixels (Streamlit may widen it to its column).

    Returns
    -------
    alt.LayerChart or alt.VConcatChart
        A layered chart (bars, 95 % whiskers, labels), with footnotes below
        it when there are any; its ``description`` is set for screen readers.
    """
    builder = _BUILDERS.get(getattr(fig, "kind", None))
    if builder is None:
        raise ValueError(
            f"figure {getattr(fig, 'id', '?')!r}: unknown kind {getattr(fig, 'kind', None)!r}"
            f" (expected one of {', '.join(_BUILDERS)})"
        )
    ctx = _Ctx(fig, lang, labels, fig.min_cell, synthetic, decimals, width)
    return builder(ctx)


# --------------------------------------------------------------------------- export


def chart_spec(chart) -> dict:
    """The Vega-Lite spec of a chart in the house theme (a dict is returned as it is).

    Not validated against the Vega-Lite schema again: validation costs more
    than building the chart (about 0.1 s a figure) and the charts of this
    module are validated in the tests (tests/test_charts.py).
    """
    if isinstance(chart, dict):
        return chart
    with _theme_enabled():
        return chart.to_dict(validate=False)


def _accessible_svg(svg: str, description: str | None) -> str:
    """Give the SVG root ``role="img"``, an ``aria-label`` and a ``<title>``."""
    if not description or not svg.startswith("<svg"):
        return svg
    end = svg.index(">")
    desc = html.escape(description, quote=True)
    return (
        svg[:end] + f' role="img" aria-label="{desc}"' + svg[end : end + 1] + f"<title>{desc}</title>" + svg[end + 1 :]
    )


def chart_bytes(chart, format: str = "png", *, scale: float = 2) -> bytes:
    """Render a chart (or a Vega-Lite dict) offline to PNG, SVG or PDF bytes.

    Uses vl-convert (bundled Vega; no browser, no network) and the house theme.
    ``scale`` multiplies the pixel size of PNG output.
    """
    fmt = format.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {format!r} (expected one of {', '.join(FORMATS)})")
    spec = chart_spec(chart)
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    if fmt == "pdf":
        return vlc.vegalite_to_pdf(spec)
    return _accessible_svg(vlc.vegalite_to_svg(spec), spec.get("description")).encode("utf-8")


def save_chart(chart, path: str | Path, *, format: str | None = None, scale: float = 2) -> Path:
    """Write a chart to ``path`` as PNG, SVG or PDF (format from the suffix if not given)."""
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".") or "png").lower()
    data = chart_bytes(chart, fmt, scale=scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_figures(
    figures: Iterable,
    out_dir: str | Path,
    *,
    format: str = "png",
    lang: str = "nl",
    synthetic: bool = False,
    labels: Questionnaire | Mapping[str, str] | None = None,
    scale: float = 2,
) -> list[Path]:
    """Chart every figure and write ``<out_dir>/<figure id>.<format>``; returns the paths."""
    fmt = format.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {format!r} (expected one of {', '.join(FORMATS)})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fig in figures:
        chart = figure_chart(fig, lang=lang, labels=labels, synthetic=synthetic)
        paths.append(save_chart(chart, out / f"{fig.id}.{fmt}", format=fmt, scale=scale))
    return paths
