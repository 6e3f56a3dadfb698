"""Report writers: the contract section 3 JSON, a long tidy CSV and a markdown report (Dutch by default).

All three start from the same computation: the protected table of the data
set (:func:`analysis.protection.protect`) and the view the filters select
from it (:meth:`analysis.protection.ProtectedData.view`).  Suppression is
decided once for the whole data set, jointly over every selection a reader
can make, so no combination of reports gives a hidden group away (data
contract 1.1).  Each filter is one value or all; a list of several values is
refused.  ``min_cell`` is at least 10.

Hidden values are null.  A hidden group's size is null too, and so is
``n_below``: a small group and one hidden to protect it look the same
(:attr:`analysis.protection.CellInfo.n_below`); a hidden figure has
``base_n`` and ``base_n_below`` null; a hidden selection has
``n_respondents`` and ``n_respondents_below`` null.  The markdown shows such
a size as "verborgen" / "hidden".

JSON (:func:`report_dict` / :func:`report_json`) follows data contract v1,
section 3, and extends it (allowed by the contract) with:

* ``filters.measure_type`` (the extra filter of this tool);
* ``synthetic``: true when the data are the synthetic demo data (a round id
  starting with ``"demo-synthetisch"``);
* per figure ``title``, ``title_en``, ``items`` and, for grouped figures,
  ``group_n`` (the base of every group); rows carry every column of the
  figure table (also ``sd`` and ``indicative``);
* ``jonckheere_terpstra`` in the grade_by_workers tests (``statistic`` is the
  standardized z, ``j`` the raw JT statistic);
* ``text_statistics``: the extra numbers the report text quotes, in the same
  shape as ``figures``.

Estimates keep full precision; NaN becomes ``null``; numpy types become plain
Python.  Only the markdown is rounded (percentages 0 decimals, means 1).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import contract, i18n
from .figures import FigureResult
from .filters import normalize_filter_value
from .protection import normalize_view_filters, protect
from .wording import (
    category_label,
    figure_title,
    fmt_number,
    group_label,
    header,
    join_or,
    size_text,
    suppressed_text,
    trend_details,
    variable_label,
)

SYNTHETIC_PREFIX = "demo-synthetisch"
CSV_COLUMNS = (
    "figure_id",
    "kind",
    "item",
    "group",
    "category",
    "n",
    "n_below",
    "n_positive",
    "pct",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "suppressed",
    "indicative",
)


# --------------------------------------------------------------------------- helpers


def _plain(value: Any) -> Any:
    """numpy / pandas scalars -> plain Python; NaN and NA -> None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    return value


def _normalize_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    filters = dict(filters or {})
    unknown = [k for k in filters if k not in contract.FILTER_COLUMNS]
    if unknown:
        raise ValueError(f"unknown filter(s) {unknown}; allowed: {', '.join(contract.FILTER_COLUMNS)}")
    out: dict[str, Any] = {}
    for name in contract.FILTER_COLUMNS:
        raw = filters.get(name)
        values = normalize_filter_value(name, raw)
        if values is None:
            out[name] = None
        elif isinstance(raw, str):
            out[name] = values[0]
        else:
            out[name] = list(values)
    return out


def is_synthetic(df: pd.DataFrame, filters: Mapping[str, Any] | None = None) -> bool:
    """True when any round id (in the data or the round filter) starts with ``demo-synthetisch``."""
    rounds = [str(v) for v in df["round_id"].dropna().unique()] if "round_id" in df.columns else []
    f = (filters or {}).get("round_id")
    if f is not None:
        rounds += [f] if isinstance(f, str) else [str(v) for v in f]
    return any(r.startswith(SYNTHETIC_PREFIX) for r in rounds)


def _compute(df: pd.DataFrame, filters: Mapping[str, Any] | None, min_cell: int, include_text_statistics: bool):
    norm = _normalize_filters(filters)
    view = protect(df, min_cell=min_cell).view(normalize_view_filters(filters))
    figs = view.figures()
    texts = view.text_statistics() if include_text_statistics else []
    return norm, view, figs, texts


def _rows(table: pd.DataFrame) -> list[dict]:
    cols = list(table.columns)
    return [
        {c: _plain(v) for c, v in zip(cols, rec)} for rec in table.astype(object).itertuples(index=False, name=None)
    ]


def figure_dict(fig: FigureResult) -> dict:
    """One figure as in contract section 3 (plus the extensions listed in the module doc)."""
    d: dict[str, Any] = {
        "id": fig.id,
        "kind": fig.kind,
        "base_n": None if fig.base_n is None else int(fig.base_n),
        "title": fig.title,
        "title_en": fig.title_en,
        "items": list(fig.items),
    }
    if fig.base_n is None:
        d["base_n_below"] = fig.base_n_below
    if fig.group_n is not None:
        d["group_n"] = {str(k): None if v is None else int(v) for k, v in fig.group_n.items()}
    d["rows"] = _rows(fig.table)
    if fig.id == "grade_by_workers":
        d["tests"] = _plain(fig.tests) if fig.tests is not None else None
    return d


# --------------------------------------------------------------------------- JSON


def report_dict(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    include_text_statistics: bool = True,
) -> dict:
    """The report as the JSON object of data contract v1, section 3.

    Parameters
    ----------
    df : pandas.DataFrame
        Canonical response frame (all responses of the data set; the
        protected table is decided on it, the filters select from it).
    filters : dict, optional
        Keys among ``gi``, ``respondent_type``, ``round_id``,
        ``measure_type``; each value None or one value (a list of one value
        is that value; a list of several is refused).
    min_cell : int
        Minimum group size (default 10, never lower: :class:`ValueError`).
    include_text_statistics : bool
        Add the ``text_statistics`` list (default True).

    Returns
    -------
    dict
        ``{"contract": 1, "n_respondents", "filters": {gi, respondent_type,
        round_id, measure_type}, "min_cell", "synthetic", "figures": [...],
        "text_statistics": [...]}``, JSON-ready (plain Python, NaN -> None).
    """
    norm, view, figs, texts = _compute(df, filters, min_cell, include_text_statistics)
    resp = view.respondents
    out: dict[str, Any] = {
        "contract": contract.CONTRACT_VERSION,
        "n_respondents": resp.n,
    }
    if resp.n is None:
        out["n_respondents_below"] = resp.n_below
    out.update(
        {
            "filters": norm,
            "min_cell": int(min_cell),
            "synthetic": is_synthetic(view.sub, norm),
            "figures": [figure_dict(f) for f in figs],
        }
    )
    if include_text_statistics:
        out["text_statistics"] = [figure_dict(f) for f in texts]
    return out


def report_json(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    indent: int | None = 2,
    include_text_statistics: bool = True,
) -> str:
    """:func:`report_dict` as JSON text (UTF-8 characters kept, no NaN literals)."""
    d = report_dict(df, filters=filters, min_cell=min_cell, include_text_statistics=include_text_statistics)
    return json.dumps(d, ensure_ascii=False, indent=indent, allow_nan=False)


# --------------------------------------------------------------------------- CSV


def _csv_records(fig: FigureResult) -> list[dict]:
    recs = []
    main_item = fig.items[0] if fig.items else fig.id
    for row in _rows(fig.table):
        rec = {c: None for c in CSV_COLUMNS}
        rec.update({k: v for k, v in row.items() if k in CSV_COLUMNS})
        rec["figure_id"] = fig.id
        rec["kind"] = fig.kind
        if rec.get("item") is None:
            rec["item"] = main_item
        recs.append(rec)
    return recs


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def report_csv(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    include_text_statistics: bool = True,
) -> str:
    """Every figure row as one long tidy CSV table.

    Columns: ``figure_id, kind, item, group, category, n, n_positive, pct,
    mean, sd, ci_low, ci_high, suppressed, indicative``.  ``item`` is the
    question (for mean_by_group: ``grade``), empty cells are "not
    applicable" or suppressed; numbers have full precision; booleans are
    ``true``/``false``.  Filters and tests are in the JSON report.
    """
    _, _, figs, texts = _compute(df, filters, min_cell, include_text_statistics)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for fig in [*figs, *texts]:
        for rec in _csv_records(fig):
            w.writerow([_csv_cell(rec[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


# --------------------------------------------------------------------------- markdown

# Labels of codes, groups and items come from analysis.wording (one source for
# the dashboards, charts and this report), every other word from the catalog
# (analysis.i18n); numbers are rounded by wording.fmt_number (half up, decimal comma).


def _pct_cells(row: dict, small: str, lang: str = "nl") -> tuple[str, str]:
    if row.get("suppressed"):
        return small, ""
    mark = " *" if row.get("indicative") else ""
    return (
        f"{fmt_number(row.get('pct'), 0, lang)}%{mark}",
        f"{fmt_number(row.get('ci_low'), 0, lang)}-{fmt_number(row.get('ci_high'), 0, lang)}%",
    )


def _n(v) -> str:
    return "-" if v is None else str(v)


def _figure_markdown(fig: FigureResult, number: int | None, min_cell: int, lang: str = "nl") -> list[str]:
    def small(r=None, n=None) -> str:
        if r is None:
            return suppressed_text(min_cell, lang, n=fig.base_n)
        return suppressed_text(min_cell, lang, n=n)

    def size(n, n_below) -> str:
        return size_text(n, n_below, lang)

    def h(*keys: str) -> str:
        return " | ".join(header(k, lang) for k in keys)

    title = figure_title(fig, lang)
    head = f"## {number}. {title}" if number is not None else f"### {title}"
    lines = [head, "", f"{i18n.text('document.base', lang)}: n = {size(fig.base_n, fig.base_n_below)}", ""]
    rows = _rows(fig.table)
    column = fig.items[0] if fig.items else fig.id
    all_answers = header("all_answers", lang)
    if fig.kind == "distribution":
        lines += [f"| {h('answer', 'n', 'pct', 'ci')} |", "|---|---:|---:|---|"]
        if rows and all(r["suppressed"] for r in rows):
            # the whole base is hidden: one line, no category counts
            lines.append(f"| {all_answers} | {size(fig.base_n, fig.base_n_below)} | {small()} |  |")
        for r in rows:
            if r["suppressed"] and not all(x["suppressed"] for x in rows):
                label = category_label(column, r["category"], lang)
                lines.append(f"| {label} | {size(r['n'], r.get('n_below'))} | {small(r)} |  |")
                continue
            if r["suppressed"]:
                continue
            pct, ci = _pct_cells(r, small(r), lang)
            lines.append(f"| {category_label(column, r['category'], lang)} | {_n(r['n'])} | {pct} | {ci} |")
    elif fig.kind == "distribution_by_group":
        lines += [f"| {h('group', 'answer', 'n', 'pct', 'ci')} |", "|---|---|---:|---:|---|"]
        done = set()
        for r in rows:
            g = group_label(fig.group_column, r["group"], lang)
            gn = (fig.group_n or {}).get(r["group"])
            if r["suppressed"]:
                # a hidden group: one line with its size (or "minder dan 10"), no category counts
                if r["group"] not in done:
                    done.add(r["group"])
                    lines.append(f"| {g} | {all_answers} | {size(gn, r.get('n_below'))} | {small(r, gn)} |  |")
                continue
            pct, ci = _pct_cells(r, small(r), lang)
            g = f"{g} (n = {gn})" if gn is not None else g
            lines.append(f"| {g} | {category_label(column, r['category'], lang)} | {_n(r['n'])} | {pct} | {ci} |")
    elif fig.kind == "mean_by_group":
        lines += [f"| {h('workers', 'n', 'mean', 'ci')} |", "|---|---:|---:|---|"]
        for r in rows:
            if r["suppressed"]:
                est, ci = small(r, r["n"]), ""
            else:
                mark = " *" if r["indicative"] else ""
                est = f"{fmt_number(r['mean'], 1, lang)}{mark}"
                ci = f"{fmt_number(r['ci_low'], 1, lang)} - {fmt_number(r['ci_high'], 1, lang)}"
            group = group_label(fig.group_column, r["group"], lang)
            lines.append(f"| {group} | {size(r['n'], r.get('n_below'))} | {est} | {ci} |")
    elif fig.kind in ("pct_by_group", "share"):
        second = "answer" if fig.kind == "share" else "group"
        third = "pct" if fig.kind == "share" else "pct_yes"
        lines += [f"| {h('question', second, 'n', third, 'ci')} |", "|---|---|---:|---:|---|"]
        for r in rows:
            pct, ci = _pct_cells(r, small(r, r["n"]) if fig.kind != "share" else small(), lang)
            item = variable_label(r["item"], lang)
            if fig.kind == "share":
                group = join_or([category_label(r["item"], c, lang) for c in r["category"].split("|")], lang)
            else:
                group = group_label(fig.group_column, r["group"], lang)
            lines.append(f"| {item} | {group} | {size(r['n'], r.get('n_below'))} | {pct} | {ci} |")
    lines.append("")
    if fig.id == "grade_by_workers":
        t = _plain(fig.tests)
        if t is None:
            lines.append(i18n.text("report.tests_none", lang))
        else:
            lines.append(i18n.text("report.tests", lang, details=trend_details(t, lang=lang)))
        lines.append("")
    return lines


def report_markdown(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    include_text_statistics: bool = True,
    lang: str = "nl",
) -> str:
    """The report as markdown in ``lang`` (Dutch by default), rounded for display.

    Percentages with 0 decimals and their 95 % Wilson interval, means with 1
    decimal and their t interval (round half up, decimal comma).  Suppressed
    rows read "te weinig respondenten (n < min_cell)"; indicative estimates
    (n < 30) carry a ``*``.  Synthetic demo data get the line
    "Let op: synthetische voorbeelddata, geen echte antwoorden."
    """
    i18n.check_language(lang)
    norm, view, figs, texts = _compute(df, filters, min_cell, include_text_statistics)
    sub = view.sub
    resp = view.respondents
    lines = [f"# {i18n.text('document.title', lang)}", ""]
    if is_synthetic(sub, norm):
        lines += [f"**{i18n.text('report.synthetic', lang)}**", ""]
    parts = []
    for name in contract.FILTER_COLUMNS:
        v = norm[name]
        shown = i18n.text("document.all", lang) if v is None else (v if isinstance(v, str) else ", ".join(v))
        parts.append(f"{i18n.text('report.filter.' + name, lang)}: {shown}")
    lines += [
        f"- {i18n.text('report.n_respondents', lang, n=size_text(resp.n, resp.n_below, lang))}",
        f"- {i18n.text('report.selection', lang, selection='; '.join(parts))}",
        f"- {i18n.text('report.small_groups', lang, min_cell=min_cell)}",
        f"- {i18n.text('report.rounding', lang)}",
        f"- \\* {i18n.text('report.indicative', lang, indicative_below=contract.INDICATIVE_BELOW)}",
        "",
    ]
    for i, fig in enumerate(figs, start=1):
        lines += _figure_markdown(fig, i, min_cell, lang)
    if texts:
        lines += [f"## {i18n.text('labels.text_statistics', lang)}", ""]
        for fig in texts:
            lines += _figure_markdown(fig, None, min_cell, lang)
    return "\n".join(lines).rstrip() + "\n"
