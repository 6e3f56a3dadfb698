"""Report writers: the contract section 3 JSON, a long tidy CSV and a Dutch markdown report.

All three start from the same computation: filter the responses
(:func:`analysis.filters.filter_responses`), then compute every figure on the
filtered frame (:func:`analysis.figures.compute_figures`), so small cells are
always suppressed *after* the filters.

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

from . import contract
from .figures import FigureResult, compute_figures, compute_text_statistics
from .filters import filter_responses, normalize_filter_value
from .wording import category_label, fmt_number, fmt_p, group_label, suppressed_text, variable_label

SYNTHETIC_PREFIX = "demo-synthetisch"
CSV_COLUMNS = (
    "figure_id",
    "kind",
    "item",
    "group",
    "category",
    "n",
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
    sub = filter_responses(df, **norm)
    figs = compute_figures(sub, min_cell=min_cell)
    texts = compute_text_statistics(sub, min_cell=min_cell) if include_text_statistics else []
    return norm, sub, figs, texts


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
        "base_n": int(fig.base_n),
        "title": fig.title,
        "title_en": fig.title_en,
        "items": list(fig.items),
    }
    if fig.group_n is not None:
        d["group_n"] = {str(k): int(v) for k, v in fig.group_n.items()}
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
        Canonical response frame (all responses; filtering happens here).
    filters : dict, optional
        Keys among ``gi``, ``respondent_type``, ``round_id``,
        ``measure_type``; each value None, one value or a list.
    min_cell : int
        Suppression threshold (default 10), applied after the filters.
    include_text_statistics : bool
        Add the ``text_statistics`` list (default True).

    Returns
    -------
    dict
        ``{"contract": 1, "n_respondents", "filters": {gi, respondent_type,
        round_id, measure_type}, "min_cell", "synthetic", "figures": [...],
        "text_statistics": [...]}``, JSON-ready (plain Python, NaN -> None).
    """
    norm, sub, figs, texts = _compute(df, filters, min_cell, include_text_statistics)
    out: dict[str, Any] = {
        "contract": contract.CONTRACT_VERSION,
        "n_respondents": int(len(sub)),
        "filters": norm,
        "min_cell": int(min_cell),
        "synthetic": is_synthetic(sub, norm),
        "figures": [figure_dict(f) for f in figs],
    }
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
# the dashboards, charts and this report); numbers are rounded by
# wording.fmt_number (half up, decimal comma).
FILTER_LABELS_NL = {
    "gi": "instelling",
    "respondent_type": "type respondent",
    "round_id": "ronde",
    "measure_type": "soort maatregel",
}


def _pct_cells(row: dict, small: str) -> tuple[str, str]:
    if row.get("suppressed"):
        return small, ""
    mark = " *" if row.get("indicative") else ""
    return (
        f"{fmt_number(row.get('pct'), 0)}%{mark}",
        f"{fmt_number(row.get('ci_low'), 0)}-{fmt_number(row.get('ci_high'), 0)}%",
    )


def _n(v) -> str:
    return "-" if v is None else str(v)


def _figure_markdown(fig: FigureResult, number: int | None, min_cell: int) -> list[str]:
    def small(n=None) -> str:
        return suppressed_text(min_cell, "nl", n=n)

    head = f"## {number}. {fig.title}" if number is not None else f"### {fig.title}"
    lines = [head, "", f"*{fig.title_en}*", "", f"Basis: n = {fig.base_n}", ""]
    rows = _rows(fig.table)
    column = fig.items[0] if fig.items else fig.id
    if fig.kind == "distribution":
        lines += ["| Antwoord | n | % | 95%-BI |", "|---|---:|---:|---|"]
        if rows and all(r["suppressed"] for r in rows):
            # the whole base is too small: one line, no category counts
            lines.append(f"| (alle antwoorden) | {fig.base_n} | {small(fig.base_n)} |  |")
        for r in rows:
            if r["suppressed"]:
                continue
            pct, ci = _pct_cells(r, small(r.get("n")))
            lines.append(f"| {category_label(column, r['category'])} | {_n(r['n'])} | {pct} | {ci} |")
    elif fig.kind == "distribution_by_group":
        lines += ["| Groep | Antwoord | n | % | 95%-BI |", "|---|---|---:|---:|---|"]
        done = set()
        for r in rows:
            g = group_label(fig.group_column, r["group"])
            gn = (fig.group_n or {}).get(r["group"])
            if r["suppressed"]:
                # a suppressed group: one line with its base, no category counts
                if r["group"] not in done:
                    done.add(r["group"])
                    lines.append(f"| {g} | (alle antwoorden) | {_n(gn)} | {small(gn)} |  |")
                continue
            pct, ci = _pct_cells(r, small(r.get("n")))
            g = f"{g} (n = {gn})" if gn is not None else g
            lines.append(f"| {g} | {category_label(column, r['category'])} | {_n(r['n'])} | {pct} | {ci} |")
    elif fig.kind == "mean_by_group":
        lines += ["| Aantal jeugdzorgwerkers | n | Gemiddeld cijfer | 95%-BI |", "|---|---:|---:|---|"]
        for r in rows:
            if r["suppressed"]:
                est, ci = small(r["n"]), ""
            else:
                mark = " *" if r["indicative"] else ""
                est = f"{fmt_number(r['mean'], 1)}{mark}"
                ci = f"{fmt_number(r['ci_low'], 1)} - {fmt_number(r['ci_high'], 1)}"
            lines.append(f"| {group_label(fig.group_column, r['group'])} | {_n(r['n'])} | {est} | {ci} |")
    elif fig.kind in ("pct_by_group", "share"):
        second = "Antwoord" if fig.kind == "share" else "Groep"
        third = "%" if fig.kind == "share" else "% ja"
        lines += [f"| Vraag | {second} | n | {third} | 95%-BI |", "|---|---|---:|---:|---|"]
        for r in rows:
            pct, ci = _pct_cells(r, small(r.get("n")))
            item = variable_label(r["item"])
            if fig.kind == "share":
                cats = [category_label(r["item"], c) for c in r["category"].split("|")]
                group = " of ".join(cats)
            else:
                group = group_label(fig.group_column, r["group"])
            lines.append(f"| {item} | {group} | {_n(r['n'])} | {pct} | {ci} |")
    lines.append("")
    if fig.id == "grade_by_workers":
        t = _plain(fig.tests)
        if t is None:
            lines.append("Toetsen: niet berekend (te weinig gegevens).")
        else:
            kw, sp, jt = t["kruskal_wallis"], t["spearman"], t["jonckheere_terpstra"]
            lines.append(
                f"Toetsen / tests: Kruskal-Wallis H = {fmt_number(kw['statistic'], 2)} (p {_peq(kw['p_value'])}); "
                f"Spearman rho = {fmt_number(sp['rho'], 2)} (p {_peq(sp['p_value'])}); "
                f"Jonckheere-Terpstra z = {fmt_number(jt['statistic'], 2)} (p {_peq(jt['p_value'])})."
            )
        lines.append("")
    return lines


def _peq(p) -> str:
    """``"< 0,001"`` or ``"= 0,023"`` (after a "p")."""
    return fmt_p(p).removeprefix("p ")


def report_markdown(
    df: pd.DataFrame,
    *,
    filters: Mapping[str, Any] | None = None,
    min_cell: int = contract.DEFAULT_MIN_CELL,
    include_text_statistics: bool = True,
) -> str:
    """The report as Dutch markdown (English subtitles), rounded for display.

    Percentages with 0 decimals and their 95 % Wilson interval, means with 1
    decimal and their t interval (round half up, decimal comma).  Suppressed
    rows read "te weinig respondenten (n < min_cell)"; indicative estimates
    (n < 30) carry a ``*``.  Synthetic demo data get the line
    "Let op: synthetische voorbeelddata, geen echte antwoorden."
    """
    norm, sub, figs, texts = _compute(df, filters, min_cell, include_text_statistics)
    lines = ["# Rapport cliëntervaring jeugdbescherming", "", "*Client experience report, youth protection*", ""]
    if is_synthetic(sub, norm):
        lines += [
            "**Let op: synthetische voorbeelddata, geen echte antwoorden.** "
            "(Note: synthetic sample data, not real answers.)",
            "",
        ]
    parts = []
    for name in contract.FILTER_COLUMNS:
        v = norm[name]
        shown = "alle" if v is None else (v if isinstance(v, str) else ", ".join(v))
        parts.append(f"{FILTER_LABELS_NL[name]}: {shown}")
    lines += [
        f"- Aantal respondenten: {len(sub)}",
        f"- Selectie: {'; '.join(parts)}",
        f"- Kleine groepen: bij minder dan {min_cell} antwoorden tonen we geen cijfers (min_cell = {min_cell}).",
        "- Percentages zijn afgerond op hele getallen; 95%-BI = 95%-betrouwbaarheidsinterval.",
        f"- \\* indicatief: gebaseerd op minder dan {contract.INDICATIVE_BELOW} antwoorden, lees met voorzichtigheid.",
        "",
    ]
    for i, fig in enumerate(figs, start=1):
        lines += _figure_markdown(fig, i, min_cell)
    if texts:
        lines += ["## Cijfers uit de tekst", "", "*Numbers quoted in the report text*", ""]
        for fig in texts:
            lines += _figure_markdown(fig, None, min_cell)
    return "\n".join(lines).rstrip() + "\n"
