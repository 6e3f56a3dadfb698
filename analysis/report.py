"""Report writers: the contract section 3 JSON, a long tidy CSV and a Dutch markdown report.

All three start from the same computation: the protected table of the data
set (:func:`analysis.protection.protect`) and the view the filters select
from it (:meth:`analysis.protection.ProtectedData.view`).  Suppression is
decided once for the whole data set, jointly over every selection a reader
can make, so no combination of reports gives a hidden group away (data
contract 1.1).  Each filter is one value or all; a list of several values is
refused.  ``min_cell`` is at least 10.

Hidden values are null.  A hidden group's size is null too, with
``n_below`` = ``min_cell`` when the group is smaller than the minimum (and
null when it is hidden to protect another group); a hidden figure has
``base_n`` null and ``base_n_below``; a hidden selection has
``n_respondents`` null and ``n_respondents_below``.

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
from .figures import FigureResult
from .filters import normalize_filter_value
from .protection import normalize_view_filters, protect
from .wording import category_label, fmt_number, fmt_p, group_label, suppressed_text, variable_label

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
# the dashboards, charts and this report); numbers are rounded by
# wording.fmt_number (half up, decimal comma).
FILTER_LABELS_NL = {
    "gi": "instelling",
    "respondent_type": "type respondent",
    "round_id": "ronde",
    "measure_type": "soort maatregel",
}


def _hidden_text(min_cell: int, n_below, n=None) -> str:
    """Why a value is hidden: "te weinig respondenten" (small: ``n_below`` set, or a known size
    below the minimum) or "verborgen om een kleine groep te beschermen" (hidden, size not shown)."""
    if n_below is not None or n is not None:
        return suppressed_text(min_cell, "nl", n=n)
    return suppressed_text(min_cell, "nl", n=min_cell)


def _size(n, n_below) -> str:
    """A group size for display: the number, "< 10" for a small hidden group, "-" when hidden."""
    if n is not None:
        return str(n)
    return f"< {n_below}" if n_below is not None else "-"


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
    def small(r=None, n=None) -> str:
        if r is None:
            return _hidden_text(min_cell, fig.base_n_below, fig.base_n)
        return _hidden_text(min_cell, r.get("n_below"), n)

    head = f"## {number}. {fig.title}" if number is not None else f"### {fig.title}"
    lines = [head, "", f"*{fig.title_en}*", "", f"Basis: n = {_size(fig.base_n, fig.base_n_below)}", ""]
    rows = _rows(fig.table)
    column = fig.items[0] if fig.items else fig.id
    if fig.kind == "distribution":
        lines += ["| Antwoord | n | % | 95%-BI |", "|---|---:|---:|---|"]
        if rows and all(r["suppressed"] for r in rows):
            # the whole base is hidden: one line, no category counts
            lines.append(f"| (alle antwoorden) | {_size(fig.base_n, fig.base_n_below)} | {small()} |  |")
        for r in rows:
            if r["suppressed"] and not all(x["suppressed"] for x in rows):
                lines.append(
                    f"| {category_label(column, r['category'])} | {_size(r['n'], r.get('n_below'))} | {small(r)} |  |"
                )
                continue
            if r["suppressed"]:
                continue
            pct, ci = _pct_cells(r, small(r))
            lines.append(f"| {category_label(column, r['category'])} | {_n(r['n'])} | {pct} | {ci} |")
    elif fig.kind == "distribution_by_group":
        lines += ["| Groep | Antwoord | n | % | 95%-BI |", "|---|---|---:|---:|---|"]
        done = set()
        for r in rows:
            g = group_label(fig.group_column, r["group"])
            gn = (fig.group_n or {}).get(r["group"])
            if r["suppressed"]:
                # a hidden group: one line with its size (when shown), no category counts
                if r["group"] not in done:
                    done.add(r["group"])
                    lines.append(f"| {g} | (alle antwoorden) | {_size(gn, r.get('n_below'))} | {small(r, gn)} |  |")
                continue
            pct, ci = _pct_cells(r, small(r))
            g = f"{g} (n = {gn})" if gn is not None else g
            lines.append(f"| {g} | {category_label(column, r['category'])} | {_n(r['n'])} | {pct} | {ci} |")
    elif fig.kind == "mean_by_group":
        lines += ["| Aantal jeugdzorgwerkers | n | Gemiddeld cijfer | 95%-BI |", "|---|---:|---:|---|"]
        for r in rows:
            if r["suppressed"]:
                est, ci = small(r, r["n"]), ""
            else:
                mark = " *" if r["indicative"] else ""
                est = f"{fmt_number(r['mean'], 1)}{mark}"
                ci = f"{fmt_number(r['ci_low'], 1)} - {fmt_number(r['ci_high'], 1)}"
            lines.append(
                f"| {group_label(fig.group_column, r['group'])} | {_size(r['n'], r.get('n_below'))} | {est} | {ci} |"
            )
    elif fig.kind in ("pct_by_group", "share"):
        second = "Antwoord" if fig.kind == "share" else "Groep"
        third = "%" if fig.kind == "share" else "% ja"
        lines += [f"| Vraag | {second} | n | {third} | 95%-BI |", "|---|---|---:|---:|---|"]
        for r in rows:
            pct, ci = _pct_cells(r, small(r, r["n"]) if fig.kind != "share" else small())
            item = variable_label(r["item"])
            if fig.kind == "share":
                cats = [category_label(r["item"], c) for c in r["category"].split("|")]
                group = " of ".join(cats)
            else:
                group = group_label(fig.group_column, r["group"])
            lines.append(f"| {item} | {group} | {_size(r['n'], r.get('n_below'))} | {pct} | {ci} |")
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
    norm, view, figs, texts = _compute(df, filters, min_cell, include_text_statistics)
    sub = view.sub
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
        f"- Aantal respondenten: {_size(view.respondents.n, view.respondents.n_below)}",
        f"- Selectie: {'; '.join(parts)}",
        f"- Kleine groepen: bij minder dan {min_cell} antwoorden tonen we geen cijfers (min_cell = {min_cell}); "
        "soms verbergen we ook een grotere groep, zodat niemand een kleine groep kan terugrekenen.",
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
