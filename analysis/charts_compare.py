"""Charts of the Vergelijken, Verbanden and Inspectierapport pages (Altair, the shared theme of :mod:`analysis.charts`).

* :func:`comparison_chart`: dot-and-whisker of the differences of
  :func:`analysis.compare.compare_groups` (one panel for percentage points,
  one for grade points), suppressed items listed but without a dot;
* :func:`reference_chart`: published 2025 values next to the computed ones;
* :func:`crosstab_heatmap`: row percentages of :func:`analysis.relations.crosstab`,
  suppressed cells grey without a number;
* :func:`grade_boxplot`: quartile box, median and mean with its interval per
  group (:func:`analysis.views.grade_summary_by_group`); no whiskers to the
  minimum and maximum, which would show single answers;
* :func:`coefficient_chart`: coefficients with 95 % intervals of
  :mod:`analysis.models`.

Each function returns an ``alt.Chart`` (or layer/concat) built from the
already computed (and suppressed) table only; nothing is computed from raw
answers here.  Save with :func:`analysis.charts.chart_bytes`.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from . import contract, i18n, wording
from .charts import CHART_WIDTH, LABEL_LIMIT, LINES_EXPR, localised, wrap_label
from .views import term_label

#: Colours: side a / computed (dark blue), side b / published (orange), hidden cells (grey).
COLOR_A = "#1f4e79"
COLOR_B = "#d9822b"
COLOR_HIDDEN = "#d0d0d0"
ROW_HEIGHT = 26


def _theme(chart, lang: str):
    """The shared house theme of :mod:`analysis.charts` (registered and enabled when it is
    imported; :func:`analysis.charts.chart_bytes` renders with it) and the number format
    of ``lang`` (decimal comma in Dutch, :func:`analysis.charts.localised`)."""
    # "pad": the plot keeps its size and labels/legends are added around it
    # (Streamlit would otherwise squeeze the whole chart into width x height).
    return localised(chart.properties(autosize=alt.AutoSizeParams(type="pad")), lang)


def _plain(label: str) -> str:
    return str(label).replace("\n", " ")


def _describe(chart, title: str, parts) -> Any:
    """The chart's text alternative (WCAG 1.1.1): its title and every number, in words."""
    return chart.properties(description=f"{title}. " + "; ".join(p for p in parts if p) + ".")


def _label_axis(**kw) -> alt.Axis:
    """A nominal axis whose labels wrap (:func:`analysis.charts.wrap_label`) and are never cut off."""
    return alt.Axis(labelExpr=LINES_EXPR, labelLimit=LABEL_LIMIT, **kw)


def _w(width: int | None) -> int:
    """Plot width in pixels: the house width of :mod:`analysis.charts` unless given."""
    return int(width) if width is not None else int(CHART_WIDTH)


def _row_height(labels) -> int:
    """Height of one row of a chart with these (wrapped) labels: room for the most lines."""
    lines = max((str(v).count("\n") + 1 for v in labels), default=1)
    return max(ROW_HEIGHT, 18 * lines + 8)


def _finite(x: Any) -> bool:
    try:
        return x is not None and not math.isnan(float(x))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- comparison


def _smaller(a: Any, b: Any) -> Any:
    """The smaller of two bases, None when one is unknown (a difference needs both sides)."""
    return min(float(a), float(b)) if _finite(a) and _finite(b) else None


def comparison_frame(
    cmp: pd.DataFrame,
    *,
    lang: str = "nl",
    a_label: str = "A",
    b_label: str = "B",
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """The data behind :func:`comparison_chart`: one row per item with labels and texts."""
    wording._lang(lang)
    rows = []
    for r in cmp.astype(object).to_dict("records"):
        mean = r["measure"] == "mean"
        dec = 1 if mean else 0
        panel = i18n.text("compare_charts.panel_grade" if mean else "compare_charts.panel_pct", lang)
        sup = bool(r["suppressed"])
        p = r["p_holm"]
        sig = _finite(p) and float(p) < wording.ALPHA
        if sup:
            # per side: too few answers, or hidden to protect the other (small) side
            tip = (
                f"{a_label}: {wording.suppressed_text(min_cell, lang, n=r.get('a_n'))}; "
                f"{b_label}: {wording.suppressed_text(min_cell, lang, n=r.get('b_n'))}"
            )
        else:
            unit = "" if mean else "%"
            tip = i18n.text(
                "compare_charts.tooltip",
                lang,
                a_label=a_label,
                a=wording.fmt_number(r["a_estimate"], dec, lang) + unit,
                b_label=b_label,
                b=wording.fmt_number(r["b_estimate"], dec, lang) + unit,
                difference=wording.fmt_number(r["difference"], dec, lang),
                interval=wording.fmt_interval(r["ci_low"], r["ci_high"], dec, lang),
                p=wording.fmt_p(p, lang),
            )
        rows.append(
            {
                "item": r["item"],
                "label": wrap_label(wording.variable_label(r["item"], lang)),
                "panel": panel,
                "difference": None if sup else float(r["difference"]),
                "ci_low": None if sup else float(r["ci_low"]),
                "ci_high": None if sup else float(r["ci_high"]),
                "significant": i18n.text("compare_charts.significant", lang)
                if sig and not sup
                else i18n.text("wording.comparison.not_significant", lang)
                if not sup
                else wording.suppressed_text(min_cell, lang, n=_smaller(r.get("a_n"), r.get("b_n"))),
                "tooltip": tip,
                "suppressed": sup,
            }
        )
    return pd.DataFrame(rows)


def comparison_chart(
    cmp: pd.DataFrame,
    *,
    lang: str = "nl",
    a_label: str = "A",
    b_label: str = "B",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    width: int | None = None,
):
    """Dot-and-whisker chart of ``a - b`` per item with the 95 % interval and a line at 0.

    Percentage items and the grade are in separate panels (different units).
    A filled dot is significant after Holm's correction, an open dot is not;
    suppressed items appear with the text "te weinig respondenten" and no dot.
    """
    data = comparison_frame(cmp, lang=lang, a_label=a_label, b_label=b_label, min_cell=min_cell)
    title = i18n.text("compare_charts.title", lang, a=a_label, b=b_label)
    significant = i18n.text("compare_charts.significant", lang)
    panels = []
    for panel, block in data.groupby("panel", sort=False):
        order = block["label"].tolist()
        base = alt.Chart(block).encode(y=alt.Y("label:N", sort=order, title=None, axis=_label_axis()))
        shown = block[~block["suppressed"]]
        hidden = block[block["suppressed"]]
        lo = min([0.0, *shown["ci_low"].dropna().tolist()]) if len(shown) else -1.0
        hi = max([0.0, *shown["ci_high"].dropna().tolist()]) if len(shown) else 1.0
        pad = max((hi - lo) * 0.08, 0.5)
        xscale = alt.Scale(domain=[lo - pad, hi + pad], nice=True)
        zero = (
            alt.Chart(pd.DataFrame({"x": [0.0]}))
            .mark_rule(color="#555", strokeDash=[4, 3])
            .encode(x=alt.X("x:Q", scale=xscale))
        )
        whisk = (
            alt.Chart(shown)
            .mark_rule(color=COLOR_A, strokeWidth=2)
            .encode(
                y=alt.Y("label:N", sort=order, title=None),
                x=alt.X("ci_low:Q", scale=xscale, title=panel),
                x2="ci_high:Q",
                tooltip=[alt.Tooltip("tooltip:N", title=title)],
            )
        )
        dots = (
            alt.Chart(shown)
            .mark_point(size=80, color=COLOR_A, strokeWidth=2)
            .encode(
                y=alt.Y("label:N", sort=order, title=None),
                x=alt.X("difference:Q", scale=xscale, title=panel),
                fill=alt.condition(alt.datum.significant == significant, alt.value(COLOR_A), alt.value("white")),
                tooltip=[alt.Tooltip("tooltip:N", title=title)],
            )
        )
        layers = [zero, whisk, dots]
        if len(hidden):
            layers.append(
                alt.Chart(hidden.assign(x=lo - pad))
                .mark_text(align="left", color="#666", fontStyle="italic")
                .encode(y=alt.Y("label:N", sort=order, title=None), x=alt.X("x:Q", scale=xscale), text="significant:N")
            )
        # every label on the axis, also of suppressed rows
        layers.insert(0, base.mark_point(opacity=0).encode(x=alt.value(0)))
        panels.append(alt.layer(*layers).properties(width=_w(width), height=_row_height(order) * len(block) + 10))
    chart = alt.vconcat(*panels).properties(title=title) if len(panels) > 1 else panels[0].properties(title=title)
    chart = _describe(chart, title, [f"{_plain(r['label'])}: {r['tooltip']}" for r in data.to_dict("records")])
    return _theme(chart, lang)


# --------------------------------------------------------------------------- published vs computed


def reference_chart(cmp_rows: pd.DataFrame, view_rows: pd.DataFrame, *, lang: str = "nl", width: int | None = None):
    """Published (open orange) and computed (blue) values of one published figure, side by side.

    ``cmp_rows`` are rows of :func:`analysis.reference.compare_to_published`
    for one figure, ``view_rows`` the same rows of
    :func:`analysis.views.reference_view` (labels).  Counts (fig7 ``.n``,
    respondents) are left out: the chart shows percentages and means.
    Returns None when nothing is left to draw.
    """
    keep = ~cmp_rows["key"].astype(str).str.endswith(".n") & (cmp_rows["figure"] != "respondents")
    c = cmp_rows[keep.to_numpy()]
    v = view_rows[keep.to_numpy()]
    if c.empty:
        return None
    pub_name = i18n.text("views.reference_header.published", lang)
    comp_name = i18n.text("views.reference_header.computed", lang)
    rows = []
    for (_, cr), (_, vr) in zip(c.iterrows(), v.iterrows()):
        label, name = wrap_label(vr["label"]), vr["label"]
        rows.append(
            {"label": label, "name": name, "which": pub_name, "value": float(cr["published"]), "text": vr["published"]}
        )
        if _finite(cr["computed"]):
            rows.append(
                {
                    "label": label,
                    "name": name,
                    "which": comp_name,
                    "value": float(cr["computed"]),
                    "text": vr["computed"],
                }
            )
    data = pd.DataFrame(rows)
    order = list(dict.fromkeys(data["label"]))
    mean = c["key"].astype(str).str.endswith(".mean").all()
    xtitle = wording.header("mean", lang) if mean else i18n.text("compare_charts.percentage", lang)
    color = alt.Color(
        "which:N",
        title=None,
        scale=alt.Scale(domain=[pub_name, comp_name], range=[COLOR_B, COLOR_A]),
        legend=alt.Legend(orient="top"),
    )
    y = alt.Y("label:N", sort=order, title=None, axis=_label_axis())
    x = alt.X("value:Q", title=xtitle, scale=alt.Scale(zero=True))
    tip = [alt.Tooltip("name:N", title=""), alt.Tooltip("which:N", title=""), alt.Tooltip("text:N", title="")]
    # published: a large open ring; computed: a small filled dot inside it when they agree
    ring = (
        alt.Chart(data[data["which"] == pub_name])
        .mark_point(size=260, strokeWidth=2.5, filled=False)
        .encode(y=y, x=x, color=color, tooltip=tip)
    )
    dot = (
        alt.Chart(data[data["which"] == comp_name])
        .mark_point(size=60, filled=True, opacity=1)
        .encode(y=y, x=x, color=color, tooltip=tip)
    )
    chart = alt.layer(ring, dot).properties(width=_w(width), height=_row_height(order) * len(order) + 10)
    chart = _describe(chart, xtitle, [f"{r['name']}, {r['which']}: {r['text']}" for r in rows])
    return _theme(chart, lang)


# --------------------------------------------------------------------------- relations


def crosstab_heatmap(
    ct: pd.DataFrame,
    *,
    row: str,
    col: str,
    lang: str = "nl",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    width: int | None = None,
):
    """Heat map of the row percentages of :func:`analysis.relations.crosstab`.

    Each cell shows its row percentage; a suppressed cell (below ``min_cell``,
    or hidden to protect one that is) is grey and reads "verborgen", never its count.
    """
    data = ct.copy()
    data["row_name"] = [wording.category_label(row, v, lang) for v in ct["row"]]
    data["col_name"] = [wording.category_label(col, v, lang) for v in ct["col"]]
    data["row_label"] = [wrap_label(v) for v in data["row_name"]]
    data["col_label"] = [wrap_label(v, 14) for v in data["col_name"]]
    data["n"] = data["n"].astype("float64")
    data["text"] = [
        i18n.text("suppression.hidden_short", lang) if s else wording.fmt_pct(p, 0, lang)
        for s, p in zip(data["suppressed"], data["pct_row"])
    ]
    data["pct"] = data["pct_row"].where(~data["suppressed"])
    rorder = list(dict.fromkeys(data["row_label"]))
    corder = list(dict.fromkeys(data["col_label"]))
    base = alt.Chart(data).encode(
        x=alt.X(
            "col_label:N",
            sort=corder,
            title=wording.variable_label(col, lang),
            axis=_label_axis(labelAngle=0),
        ),
        y=alt.Y("row_label:N", sort=rorder, title=wording.variable_label(row, lang), axis=_label_axis()),
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.pct === null",
            alt.value(COLOR_HIDDEN),
            alt.Color(
                "pct:Q",
                title=i18n.text("compare_charts.pct_of_row", lang),
                scale=alt.Scale(scheme="blues", domain=[0, 100]),
            ),
        ),
        tooltip=[
            alt.Tooltip("row_name:N", title=wording.variable_label(row, lang)),
            alt.Tooltip("col_name:N", title=wording.variable_label(col, lang)),
            alt.Tooltip("text:N", title="%"),
        ],
    )
    text = base.mark_text(fontSize=12).encode(
        text="text:N", color=alt.condition("datum.pct > 55", alt.value("white"), alt.value("#1c1c1c"))
    )
    chart = (rect + text).properties(width=_w(width), height=max(36 * len(rorder), 80))
    title = f"{wording.variable_label(row, lang)} × {wording.variable_label(col, lang)}"
    parts = [f"{r}, {c}: {x}" for r, c, x in zip(data["row_name"], data["col_name"], data["text"])]
    return _theme(_describe(chart, title, parts), lang)


def grade_boxplot(
    summary: pd.DataFrame,
    *,
    group: str,
    lang: str = "nl",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    width: int | None = None,
):
    """Box (first to third quartile), median tick and mean with its 95 % interval, per group.

    Built from :func:`analysis.views.grade_summary_by_group`; suppressed
    groups are on the axis with the text "te weinig respondenten (n < 10)",
    or "verborgen (minder dan 10, of ter bescherming van een kleine groep)" for a group of at least
    ``min_cell`` hidden by secondary suppression.
    """
    data = summary.copy()
    data["label"] = [wrap_label(wording.category_label(group, v, lang)) for v in summary["group"]]
    data["n"] = data["n"].astype("float64")
    data["note"] = [
        wording.suppressed_text(min_cell, lang, n=n) if s else "" for s, n in zip(data["suppressed"], data["n"])
    ]
    data["tip"] = [
        wording.suppressed_text(min_cell, lang, n=n)
        if s
        else i18n.text(
            "compare_charts.box_tip",
            lang,
            n=int(n),
            mean=wording.fmt_number(m, 1, lang),
            interval=wording.fmt_interval(lo, hi, 1, lang),
            median=wording.fmt_number(md, 1, lang),
        )
        for s, n, m, lo, hi, md in zip(
            data["suppressed"], data["n"], data["mean"], data["ci_low"], data["ci_high"], data["median"]
        )
    ]
    order = data["label"].tolist()
    x = alt.Scale(domain=[1, 10])
    y = alt.Y("label:N", sort=order, title=wording.variable_label(group, lang), axis=_label_axis())
    shown = data[~data["suppressed"]]
    hidden = data[data["suppressed"]]
    axis = alt.Chart(data).mark_point(opacity=0).encode(y=y, x=alt.X("mean:Q", scale=x))
    box = (
        alt.Chart(shown)
        .mark_bar(size=16, color="#c9d9ea")
        .encode(
            y=y,
            x=alt.X("q1:Q", scale=x, title=wording.variable_label("grade", lang)),
            x2="q3:Q",
            tooltip=[alt.Tooltip("tip:N", title="")],
        )
    )
    median = alt.Chart(shown).mark_tick(color=COLOR_A, thickness=2, size=18).encode(y=y, x=alt.X("median:Q", scale=x))
    ci = (
        alt.Chart(shown)
        .mark_rule(color=COLOR_B, strokeWidth=2)
        .encode(y=y, x=alt.X("ci_low:Q", scale=x), x2="ci_high:Q")
    )
    mean = (
        alt.Chart(shown)
        .mark_point(color=COLOR_B, filled=True, size=60)
        .encode(y=y, x=alt.X("mean:Q", scale=x), tooltip=[alt.Tooltip("tip:N", title="")])
    )
    layers = [axis, box, median, ci, mean]
    if len(hidden):
        layers.append(
            alt.Chart(hidden.assign(x=1.1))
            .mark_text(align="left", color="#666", fontStyle="italic")
            .encode(y=y, x=alt.X("x:Q", scale=x), text="note:N")
        )
    chart = alt.layer(*layers).properties(
        width=_w(width), height=max(ROW_HEIGHT * 1.4, _row_height(order)) * len(order) + 10
    )
    title = f"{wording.variable_label('grade', lang)}, {wording.variable_label(group, lang)}"
    parts = [f"{_plain(lab)}: {tip}" for lab, tip in zip(data["label"], data["tip"])]
    return _theme(_describe(chart, title, parts), lang)


def coefficient_chart(coefs: pd.DataFrame, *, lang: str = "nl", width: int | None = None):
    """Coefficients with their 95 % interval and a line at 0 (intercept and cut-points left out)."""
    data = coefs.copy()
    if "kind" in data.columns:
        data = data[data["kind"].astype(str) == "coefficient"]
    data = data[(data["term"].astype(str) != "Intercept") & ~data["term"].astype(str).str.contains("|", regex=False)]
    data = data.assign(label=[wrap_label(term_label(str(tm), lang)) for tm in data["term"]])
    data["tip"] = [
        f"{wording.fmt_number(e, 3, lang)} ({wording.fmt_interval(lo, hi, 3, lang)}), {wording.fmt_p(p, lang)}"
        for e, lo, hi, p in zip(data["estimate"], data["ci_low"], data["ci_high"], data["p_value"])
    ]
    data = data[["label", "estimate", "ci_low", "ci_high", "tip"]].astype(
        {"estimate": "float64", "ci_low": "float64", "ci_high": "float64"}
    )
    order = data["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=_label_axis())
    xt = i18n.text("compare_charts.coefficient_axis", lang)
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#555", strokeDash=[4, 3]).encode(x="x:Q")
    rule = (
        alt.Chart(data)
        .mark_rule(color=COLOR_A, strokeWidth=2)
        .encode(y=y, x=alt.X("ci_low:Q", title=xt), x2="ci_high:Q", tooltip=[alt.Tooltip("tip:N", title="")])
    )
    dot = (
        alt.Chart(data)
        .mark_point(color=COLOR_A, filled=True, size=70)
        .encode(y=y, x="estimate:Q", tooltip=[alt.Tooltip("tip:N", title="")])
    )
    chart = alt.layer(zero, rule, dot).properties(width=_w(width), height=_row_height(order) * max(len(order), 1) + 10)
    chart = _describe(chart, xt, [f"{_plain(lab)}: {tip}" for lab, tip in zip(data["label"], data["tip"])])
    return _theme(chart, lang)
