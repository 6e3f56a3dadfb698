"""Tables the dashboards and documents show: analysis results reshaped for people.

Every function takes analysis output (or a filtered response frame) and
returns a small DataFrame (or dataclass) ready to display; the Streamlit
pages only render them.  Labels and number formats come from
:mod:`analysis.wording`, every word from the catalog (:func:`analysis.i18n.text`).

* :func:`key_numbers` / :func:`key_number_texts`: respondents, parents,
  young people, share with a period without a worker, mean grade;
* :func:`reference_view`: published 2025 figures next to the computed ones;
* :func:`comparison_view`: :func:`analysis.compare.compare_groups` for display;
* :func:`crosstab_view`, :func:`association_view`: :mod:`analysis.relations`
  for display;
* :func:`grade_summary_by_group`: mean, quartiles and interval of the grade
  per group (the box plot of the Verbanden page);
* :func:`model_view`, :func:`term_label`: coefficient tables of
  :mod:`analysis.models` for display.

Pure: no streamlit, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import contract, i18n, stats, wording
from .compare import POSITIVE_CODES
from .reference import DISTRIBUTION_KEYS, load_published

KEY_NUMBER_COLUMNS = ("key", "n", "value", "ci_low", "ci_high", "suppressed")
KEY_NUMBERS = ("respondents", "ouder", "jeugdige", "had_gap", "mean_grade")
#: Catalog key prefix of the key-number labels (``views.key_number.<key>``).
KEY_LABEL_KEY = "views.key_number."


# --------------------------------------------------------------------------- key numbers


def key_numbers(df: pd.DataFrame, *, min_cell: int = contract.DEFAULT_MIN_CELL) -> pd.DataFrame:
    """The key numbers above a report or dashboard, on an already filtered frame.

    Returns
    -------
    pandas.DataFrame
        Columns ``key, n, value, ci_low, ci_high, suppressed``; rows:

        * ``respondents``: ``n`` = ``value`` = number of respondents (always shown);
        * ``ouder``, ``jeugdige``: ``value`` = number of parents / young people,
          ``n`` = respondents with a respondent type; hidden (NaN,
          ``suppressed``) when that base is below ``min_cell``, as category
          counts of a suppressed distribution are (:func:`analysis.stats.distribution`);
        * ``had_gap``: percentage (0-100) that answered ``ja`` to had_gap,
          Wilson 95 % interval, ``n`` = answers to had_gap;
        * ``mean_grade``: mean grade, t-based 95 % interval, ``n`` = answered grades.

        Estimates of a base below ``min_cell`` are NaN and ``suppressed`` is True.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA 22, 209-212.  Student (1908). The probable
    error of a mean. Biometrika 6, 1-25.
    """
    min_cell = contract.check_min_cell(min_cell)
    rows = [
        {
            "key": "respondents",
            "n": len(df),
            "value": float(len(df)),
            "ci_low": math.nan,
            "ci_high": math.nan,
            "suppressed": False,
        }
    ]
    types = stats.distribution(df, column="respondent_type", min_cell=min_cell)
    base_types = int(sum(v is not None for v in stats.category_labels(df, "respondent_type")))
    for t in contract.RESPONDENT_TYPES:
        r = types.loc[types["category"] == t].iloc[0]
        sup = bool(r["suppressed"])
        rows.append(
            {
                "key": t,
                "n": base_types,
                "value": math.nan if sup else float(r["n"]),
                "ci_low": math.nan,
                "ci_high": math.nan,
                "suppressed": sup,
            }
        )
    gap = stats.distribution(df, column="had_gap", min_cell=min_cell)
    r = gap.loc[gap["category"] == "ja"].iloc[0]
    base_gap = int(sum(v is not None for v in stats.category_labels(df, "had_gap")))
    rows.append(
        {
            "key": "had_gap",
            "n": base_gap,
            "value": float(r["pct"]),
            "ci_low": float(r["ci_low"]),
            "ci_high": float(r["ci_high"]),
            "suppressed": bool(r["suppressed"]),
        }
    )
    g = pd.to_numeric(df["grade"].astype(object), errors="coerce").astype("float64").dropna().to_numpy()
    n = len(g)
    if n < min_cell or n < 2:
        rows.append(
            {
                "key": "mean_grade",
                "n": n,
                "value": math.nan,
                "ci_low": math.nan,
                "ci_high": math.nan,
                "suppressed": True,
            }
        )
    else:
        mean = float(np.mean(g))
        lo, hi = stats.t_interval(mean, float(np.std(g, ddof=1)), n)
        rows.append(
            {"key": "mean_grade", "n": n, "value": mean, "ci_low": float(lo), "ci_high": float(hi), "suppressed": False}
        )
    out = pd.DataFrame(rows, columns=list(KEY_NUMBER_COLUMNS))
    out["key"] = out["key"].astype("string")
    out["n"] = out["n"].astype("Int64")
    for c in ("value", "ci_low", "ci_high"):
        out[c] = out[c].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def key_number_texts(
    kn: pd.DataFrame, *, lang: str = "nl", min_cell: int = contract.DEFAULT_MIN_CELL
) -> list[dict[str, str]]:
    """:func:`key_numbers` for display: ``[{key, label, value, detail}]`` (strings).

    ``value`` is the count, percentage or mean (or the suppression text);
    ``detail`` the base and interval, e.g. ``"n = 1496; 95%-BI 29-34%"``.
    """
    ci = wording.header("ci", lang)
    out = []
    for r in kn.astype(object).to_dict("records"):
        key = str(r["key"])
        n = r["n"]
        if r["suppressed"]:
            # a hidden group's size reads "minder dan 10" (protected table, issue 9), never its exact n
            n = None if _missing(n) else n
            below = r.get("n_below")
            below = None if _missing(below) else below
            value = wording.suppressed_text(min_cell, lang, n=n)
            detail = f"n = {wording.size_text(n, below, lang)}"
        elif key == "respondents":
            value, detail = str(int(r["value"])), ""
        elif key in contract.RESPONDENT_TYPES:
            value = str(int(r["value"]))
            share = wording.fmt_pct(100 * r["value"] / n, 0, lang) if n else "-"
            detail = i18n.text("format.share_of", lang, share=share, n=n)
        elif key == "had_gap":
            value = wording.fmt_pct(r["value"], 0, lang)
            detail = f"n = {n}; {ci} {wording.fmt_interval(r['ci_low'], r['ci_high'], 0, lang, pct=True)}"
        else:
            value = wording.fmt_number(r["value"], 1, lang)
            detail = f"n = {n}; {ci} {wording.fmt_interval(r['ci_low'], r['ci_high'], 1, lang)}"
        out.append({"key": key, "label": i18n.text(KEY_LABEL_KEY + key, lang), "value": value, "detail": detail})
    return out


def _missing(x) -> bool:
    """None, NaN or pd.NA (a hidden size in the protected table)."""
    return x is None or bool(pd.isna(x))


# --------------------------------------------------------------------------- published figures

#: Catalog key prefixes: labels of the YAML text-statistic keys, titles of the published figures.
TEXT_STATISTIC_KEY = "views.text_statistic."
REFERENCE_FIGURE_KEY = "reference.figure."
REFERENCE_GROUPS = {"no_gap": "nee", "gap": "ja"}
_FIG9_ITEMS = {
    "voldoende_tijd_en_aandacht": "quality_time_attention",
    "begripvol": "quality_understanding",
    "respectvol": "quality_respectful",
}


def reference_key_label(figure: str, key: str, lang: str = "nl") -> str:
    """Readable label of one row of :func:`analysis.reference.compare_to_published`."""
    wording._lang(lang)
    if figure == "respondents":
        if key == "total":
            return i18n.text("views.reference.total", lang)
        return wording.category_label("respondent_type", key, lang)
    if figure in DISTRIBUTION_KEYS:
        return wording.category_label(DISTRIBUTION_KEYS[figure], key, lang)
    if figure == "fig7_grade_by_workers":
        group, what = key.rsplit(".", 1)
        g = wording.category_label("n_workers", group.replace(" ", "_"), lang)
        return f"{g}: {i18n.text('views.fig7.' + what, lang)}"
    if figure == "fig9_worker_qualities_by_gap":
        item, grp = key.rsplit(".", 1)
        return (
            f"{wording.variable_label(_FIG9_ITEMS.get(item, item), lang)} — "
            f"{wording.group_label('had_gap', REFERENCE_GROUPS[grp], lang)}"
        )
    if figure == "text_statistics":
        base, _, sub = key.partition(".")
        label = i18n.text(TEXT_STATISTIC_KEY + base, lang) if i18n.has_text(TEXT_STATISTIC_KEY + base) else base
        if not sub:
            return label
        if base == "no_say_in_plan_pct":
            no_say = "views.no_say_group." + sub
            return f"{label}: {i18n.text(no_say, lang)}" if i18n.has_text(no_say) else f"{label}: {sub}"
        return f"{label}: {wording.category_label('contact_one_on_one', sub, lang)}"
    return key


def reference_figure_title(figure: str, lang: str = "nl", published: Mapping | None = None) -> str:
    """Title of a published figure block ("Figuur 2: Is er bij de start ...").

    The title is the catalog's ``reference.figure.<figure>`` in ``lang`` (in
    Dutch: the question as printed in the report); a figure the catalog does
    not know shows the printed question of ``published``.
    """
    wording._lang(lang)
    if figure == "respondents":
        return i18n.text("views.reference.title_respondents", lang)
    if figure == "text_statistics":
        return i18n.text("labels.text_statistics", lang)
    if i18n.has_text(REFERENCE_FIGURE_KEY + figure):
        q = i18n.text(REFERENCE_FIGURE_KEY + figure, lang)
    else:
        if published is None:
            published = load_published()
        q = published.get("figures", {}).get(figure, {}).get("question", figure)
    num = figure.split("_", 1)[0].removeprefix("fig")
    return i18n.text("views.reference.figure_title", lang, number=num, title=q)


REFERENCE_VIEW_COLUMNS = ("figure", "figure_title", "key", "label", "published", "computed", "difference", "match")
#: The displayed columns of :func:`reference_view` (headers ``views.reference_header.<column>``).
REFERENCE_HEADERS = ("label", "published", "computed", "difference", "match")


def reference_view(cmp: pd.DataFrame, *, lang: str = "nl") -> pd.DataFrame:
    """:func:`analysis.reference.compare_to_published` for display.

    Columns :data:`REFERENCE_VIEW_COLUMNS`: ``published`` as printed,
    ``computed`` rounded half up to the printed decimals, ``difference`` =
    computed (full precision) minus published, rounded to one more decimal,
    and ``match`` as "ja"/"nee" ("yes"/"no"); a value that could not be
    computed (suppressed) reads "-".  Numbers are strings in ``lang``'s
    format; rows keep the comparison's order.
    """
    pub = load_published()
    yes, no = i18n.text("views.match_yes", lang), i18n.text("views.match_no", lang)
    rows = []
    for r in cmp.astype(object).to_dict("records"):
        dec = int(r["decimals"])
        comp = r["computed"]
        missing = comp is None or (isinstance(comp, float) and math.isnan(comp))
        rows.append(
            {
                "figure": r["figure"],
                "figure_title": reference_figure_title(r["figure"], lang, pub),
                "key": r["key"],
                "label": reference_key_label(r["figure"], r["key"], lang),
                "published": wording.fmt_number(r["published"], dec, lang),
                "computed": "-" if missing else wording.fmt_number(r["computed_rounded"], dec, lang),
                "difference": "-"
                if missing
                else wording.fmt_number(float(comp) - float(r["published"]), dec + 1, lang),
                "match": "-" if missing else (yes if r["match"] else no),
            }
        )
    return pd.DataFrame(rows, columns=list(REFERENCE_VIEW_COLUMNS), dtype=object)


def reference_headers(lang: str = "nl") -> dict[str, str]:
    """Column headers of the displayed part of :func:`reference_view`."""
    return {k: i18n.text("views.reference_header." + k, lang) for k in REFERENCE_HEADERS}


# --------------------------------------------------------------------------- comparisons


def comparison_view(
    cmp: pd.DataFrame,
    *,
    lang: str = "nl",
    a_label: str = "A",
    b_label: str = "B",
    min_cell: int = contract.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """:func:`analysis.compare.compare_groups` as a display table (strings).

    Columns (Dutch): Vraag, Maat, n <a>, <a>, n <b>, <b>, Verschil, 95%-BI,
    Toets, p (Holm).  Percentages without decimals, grades with one;
    suppressed rows show the bases and, per side, the suppression text of
    :func:`analysis.wording.suppressed_text`: "te weinig respondenten" for a
    side under ``min_cell``, "verborgen (minder dan 10, of ter bescherming van een kleine groep)"
    for the other side.
    """
    h = [
        wording.header("question", lang),
        i18n.text("views.header.measure", lang),
        f"n {a_label}",
        a_label,
        f"n {b_label}",
        b_label,
        i18n.text("views.header.difference", lang),
        wording.header("ci", lang),
        i18n.text("views.header.test", lang),
        i18n.text("views.header.p_holm", lang),
    ]
    tests = {t: i18n.text("views.test." + t, lang) for t in ("two_proportion_z", "mann_whitney_u")}
    rows = []
    for r in cmp.astype(object).to_dict("records"):
        mean = r["measure"] == "mean"
        dec = 1 if mean else 0
        measure = i18n.text("labels.mean_grade_lower", lang) if mean else "% " + _positive_label(r["item"], lang)
        fmt = (lambda x: wording.fmt_number(x, dec, lang)) if mean else (lambda x: wording.fmt_pct(x, dec, lang))
        if r["suppressed"]:
            # each side says why it is hidden: too few answers, or to protect the other side
            row = [
                wording.variable_label(r["item"], lang),
                measure,
                wording.size_text(r["a_n"], r.get("a_n_below"), lang),
                wording.suppressed_text(min_cell, lang, n=r["a_n"]),
                wording.size_text(r["b_n"], r.get("b_n_below"), lang),
                wording.suppressed_text(min_cell, lang, n=r["b_n"]),
                "",
                "",
                tests.get(r["test"], r["test"]),
                "",
            ]
        else:
            row = [
                wording.variable_label(r["item"], lang),
                measure,
                str(r["a_n"]),
                fmt(r["a_estimate"]),
                str(r["b_n"]),
                fmt(r["b_estimate"]),
                wording.fmt_number(r["difference"], dec, lang),
                wording.fmt_interval(r["ci_low"], r["ci_high"], dec, lang),
                tests.get(r["test"], r["test"]),
                wording.fmt_p(r["p_holm"], lang).removeprefix("p "),
            ]
        rows.append(row)
    return pd.DataFrame(rows, columns=h, dtype=object)


def _positive_label(item: str, lang: str) -> str:
    codes = POSITIVE_CODES.get(item, ())
    return wording.join_or([wording.category_label(item, c, lang).lower() for c in codes], lang)


# --------------------------------------------------------------------------- relations


def crosstab_view(
    ct: pd.DataFrame, *, row: str, col: str, lang: str = "nl", min_cell: int = contract.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """:func:`analysis.relations.crosstab` as a wide display table.

    One line per category of ``row``, one column per category of ``col``;
    each cell "41% (n = 120)" (row percentage and count), or the suppression
    text for a hidden cell.
    """
    # a hidden cell is either below min_cell or hidden to protect one that is
    # (relations.crosstab); its count is gone, so one neutral text for both
    small = wording.hidden_cell_text(min_cell, lang)
    rows_order = list(dict.fromkeys(ct["row"].astype(str)))
    cols_order = list(dict.fromkeys(ct["col"].astype(str)))
    first = wording.variable_label(row, lang)
    out = []
    recs = {(str(r["row"]), str(r["col"])): r for r in ct.astype(object).to_dict("records")}
    for rv in rows_order:
        line = {first: wording.category_label(row, rv, lang)}
        for cv in cols_order:
            r = recs[(rv, cv)]
            line[wording.category_label(col, cv, lang)] = (
                small if r["suppressed"] else f"{wording.fmt_pct(r['pct_row'], 0, lang)} (n = {r['n']})"
            )
        out.append(line)
    return pd.DataFrame(out, dtype=object)


def crosstab_labelled(ct: pd.DataFrame, *, row: str, col: str, lang: str = "nl") -> pd.DataFrame:
    """The long cross table with label columns (``row_label``, ``col_label``) for charts."""
    out = ct.copy()
    out["row_label"] = [wording.category_label(row, v, lang) for v in ct["row"]]
    out["col_label"] = [wording.category_label(col, v, lang) for v in ct["col"]]
    return out


#: Catalog key prefix of the association measure names (``views.association.<measure>``).
ASSOCIATION_KEY = "views.association."


def association_view(
    assoc: pd.DataFrame, *, lang: str = "nl", min_cell: int = contract.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """:func:`analysis.relations.association` as a display table (strings)."""
    h = [
        i18n.text("views.header.measure", lang),
        i18n.text("views.header.estimate", lang),
        i18n.text("views.header.statistic", lang),
        "df",
        "p",
        "n",
    ]
    rows = []
    for r in assoc.astype(object).to_dict("records"):
        key = ASSOCIATION_KEY + str(r["measure"])
        name = i18n.text(key, lang) if i18n.has_text(key) else r["measure"]
        if r["suppressed"]:
            small = wording.suppressed_text(min_cell, lang, n=r["n"])
            rows.append([name, small, "", "", "", str(r["n"])])
            continue
        df_ = r["df"]
        rows.append(
            [
                name,
                wording.fmt_number(r["estimate"], 3, lang),
                wording.fmt_number(r["statistic"], 2, lang),
                "" if df_ is None or (isinstance(df_, float) and math.isnan(df_)) else wording.fmt_number(df_, 0, lang),
                wording.fmt_p(r["p_value"], lang).removeprefix("p "),
                str(r["n"]),
            ]
        )
    return pd.DataFrame(rows, columns=h, dtype=object)


GRADE_SUMMARY_COLUMNS = ("group", "n", "mean", "ci_low", "ci_high", "q1", "median", "q3", "suppressed")


def grade_summary_by_group(
    df: pd.DataFrame, *, group: str, value: str = "grade", min_cell: int = contract.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Mean (t 95 % interval), quartiles and median of the grade per group, for a box plot.

    Groups in questionnaire order (all of them, also empty).  Quartiles use
    :func:`numpy.percentile` with linear interpolation (Hyndman & Fan type 7,
    the default of R and Excel's QUARTILE.INC).  No minimum or maximum is
    reported: in a small group they are one person's answer.  A group with
    fewer than ``min_cell`` answers is suppressed (everything NaN but ``n``),
    and so is the next smallest group while the hidden groups together have
    fewer than ``min_cell`` answers (secondary suppression, see
    :func:`analysis.stats.secondary_suppression`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GRADE_SUMMARY_COLUMNS`.

    References
    ----------
    Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical
    packages. The American Statistician 50, 361-365.
    """
    min_cell = contract.check_min_cell(min_cell)
    x = pd.to_numeric(df[value].astype(object), errors="coerce").astype("float64").to_numpy()
    labels = stats.category_labels(df, group)
    if group in contract.CODES or group == "n_workers":
        cats = list(stats.default_categories(group))
    else:
        cats = [g for g in contract.GI_CODES if g in set(labels)] if group == "gi" else []
        cats += sorted({v for v in labels if v is not None} - set(cats))
    values = [x[(labels == g) & ~np.isnan(x)] for g in cats]
    n_arr = np.array([len(v) for v in values], dtype=int)
    # primary suppression, then secondary suppression so that a hidden group's
    # mean cannot be worked out from the overall mean grade (analysis.stats)
    hidden = stats.secondary_suppression(n_arr, (n_arr < min_cell) | (n_arr < 2), min_cell=min_cell)
    rows = []
    for g, v, n, hide in zip(cats, values, n_arr, hidden):
        if hide:
            rows.append(
                {
                    "group": g,
                    "n": int(n),
                    "mean": math.nan,
                    "ci_low": math.nan,
                    "ci_high": math.nan,
                    "q1": math.nan,
                    "median": math.nan,
                    "q3": math.nan,
                    "suppressed": True,
                }
            )
            continue
        mean = float(v.mean())
        lo, hi = stats.t_interval(mean, float(v.std(ddof=1)), n)
        q1, med, q3 = np.percentile(v, [25, 50, 75])
        rows.append(
            {
                "group": g,
                "n": int(n),
                "mean": mean,
                "ci_low": float(lo),
                "ci_high": float(hi),
                "q1": float(q1),
                "median": float(med),
                "q3": float(q3),
                "suppressed": False,
            }
        )
    out = pd.DataFrame(rows, columns=list(GRADE_SUMMARY_COLUMNS))
    out["group"] = out["group"].astype("string")
    out["n"] = out["n"].astype("Int64")
    for c in ("mean", "ci_low", "ci_high", "q1", "median", "q3"):
        out[c] = out[c].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def grade_summary_view(
    summary: pd.DataFrame, *, group: str, lang: str = "nl", min_cell: int = contract.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """:func:`grade_summary_by_group` as a display table (strings).

    A suppressed group shows its n and "te weinig respondenten (n < 10)", or
    "verborgen (minder dan 10, of ter bescherming van een kleine groep)" when it has at least
    ``min_cell`` answers (secondary suppression).
    """
    h = [
        wording.variable_label(group, lang),
        "n",
        wording.header("mean", lang),
        wording.header("ci", lang),
        i18n.text("views.header.median", lang),
        i18n.text("views.header.quartiles", lang),
    ]
    rows = []
    for r in summary.astype(object).to_dict("records"):
        lab = wording.category_label(group, r["group"], lang)
        if r["suppressed"]:
            rows.append([lab, str(r["n"]), wording.suppressed_text(min_cell, lang, n=r["n"]), "", "", ""])
            continue
        rows.append(
            [
                lab,
                str(r["n"]),
                wording.fmt_number(r["mean"], 1, lang),
                wording.fmt_interval(r["ci_low"], r["ci_high"], 1, lang),
                wording.fmt_number(r["median"], 1, lang),
                wording.fmt_interval(r["q1"], r["q3"], 1, lang),
            ]
        )
    return pd.DataFrame(rows, columns=h, dtype=object)


# --------------------------------------------------------------------------- models


def term_label(term: str, lang: str = "nl") -> str:
    """ "measure_type[ots]" -> "Soort maatregel: Ondertoezichtstelling (OTS)"; cut-points "6|7" -> "Drempel 6|7"."""
    if term == "Intercept":
        return i18n.text("views.term.intercept", lang)
    if "[" in term and term.endswith("]"):
        col, code = term[:-1].split("[", 1)
        return f"{wording.variable_label(col, lang)}: {wording.category_label(col, code, lang)}"
    if "|" in term:
        return i18n.text("views.term.cut_point", lang, term=term)
    if term == "n_workers":
        return i18n.text("views.term.per_step", lang, label=wording.variable_label(term, lang))
    return wording.variable_label(term, lang)


def model_view(coefs: pd.DataFrame, *, lang: str = "nl", decimals: int = 3) -> pd.DataFrame:
    """:func:`analysis.models.ols_grade` / :func:`~analysis.models.ordinal_grade` for display."""
    h = [
        i18n.text("views.header.term", lang),
        i18n.text("views.header.coefficient", lang),
        i18n.text("views.header.std_error", lang),
        wording.header("ci", lang),
        "p",
    ]
    rows = []
    for r in coefs.astype(object).to_dict("records"):
        rows.append(
            [
                term_label(str(r["term"]), lang),
                wording.fmt_number(r["estimate"], decimals, lang),
                wording.fmt_number(r["se"], decimals, lang),
                wording.fmt_interval(r["ci_low"], r["ci_high"], decimals, lang),
                wording.fmt_p(r["p_value"], lang).removeprefix("p "),
            ]
        )
    return pd.DataFrame(rows, columns=h, dtype=object)


def fit_view(fit: pd.DataFrame, *, lang: str = "nl") -> pd.DataFrame:
    """Fit statistics (``statistic, value``) for display."""
    rows = []
    for s, v in zip(fit["statistic"].astype(str), fit["value"]):
        dec = 0 if s in ("n", "k", "n_at_least") else 3
        if s == "n_at_least":  # the protected model's lower bound (issue 9 M2)
            name = i18n.text("modelsafe.model.n_at_least", lang)
        else:
            name = i18n.text("views.fit." + s, lang) if i18n.has_text("views.fit." + s) else s
        rows.append([name, wording.fmt_number(v, dec, lang)])
    return pd.DataFrame(
        rows,
        columns=[i18n.text("views.header.fit_statistic", lang), i18n.text("views.header.value", lang)],
        dtype=object,
    )


def refusal_text(exc: Exception, lang: str = "nl") -> str:
    """Why a model was refused (:class:`analysis.models.ModelRefused`), in ``lang``.

    The refusal carries its catalog key and values (``key``, ``params``);
    any other error shows its own message.
    """
    key = getattr(exc, "key", None)
    if key is not None:
        return i18n.text(key, lang, **getattr(exc, "params", {}))
    return str(exc)
