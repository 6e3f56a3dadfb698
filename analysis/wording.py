"""Words and numbers for people: labels, number formats, display tables and generated sentences.

Everything a dashboard page or a report document shows as text is put
together here, in every language of the catalog (``lang`` is ``"nl"``,
``"en"``, ...); the words themselves come from the one catalog per language,
:func:`analysis.i18n.text` (``analysis/locales/<lang>.yaml``):

* :func:`round_half_up_decimal`: the one display rounding of the project
  (half up, float noise below 1e-9 removed first); :func:`fmt_number`,
  :func:`fmt_pct`, :func:`fmt_p`, :func:`fmt_interval` build on it (Dutch
  decimal comma; the decimal separator and the word in "5,8 tot 6,5" come
  from the catalog).  :mod:`analysis.charts`, :mod:`analysis.report` and
  :func:`analysis.reference.round_half_up` use these too;
* :func:`variable_label`, :func:`category_label`, :func:`group_label`,
  :func:`figure_title`: labels of contract columns, codes and figures
  (answer labels come from the questionnaire definition);
* :func:`suppressed_text`: the small-cell text "te weinig respondenten (n < 10)",
  or "verborgen (minder dan 10, of ter bescherming van een kleine groep)" for a group of at least
  ``min_cell`` hidden by secondary suppression;
* :func:`display_table`: a figure table (:mod:`analysis.figures`) as strings,
  with suppressed rows reduced to their base and the suppression text;
* :func:`trend_sentence`: the grade-by-workers trend test in one sentence
  ("Het cijfer daalt significant naarmate respondenten meer
  jeugdzorgwerkers hebben gehad (Jonckheere-Terpstra, p < 0,001)");
* :func:`comparison_sentence`: one compared item in words.

Pure: no streamlit, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import pandas as pd

from . import contract, i18n
from .questionnaire import load_questionnaire

#: Catalog keys of the month names (``months.<name>``), January first.
MONTHS = (
    "months.january",
    "months.february",
    "months.march",
    "months.april",
    "months.may",
    "months.june",
    "months.july",
    "months.august",
    "months.september",
    "months.october",
    "months.november",
    "months.december",
)


def format_date(d, lang: str = "nl") -> str:
    """A calendar date in words, from the catalog (``1 maart 2026`` / ``1 March 2026``).

    >>> format_date(__import__("datetime").date(2026, 3, 1))
    '1 maart 2026'
    """
    return i18n.text("format.date", lang, day=d.day, month=i18n.text(MONTHS[d.month - 1], lang), year=d.year)


#: The languages of the catalog (one file each), Dutch first.
LANGS = i18n.languages()
#: Significance level used in generated sentences.
ALPHA = 0.05


def _lang(lang: str) -> str:
    return i18n.check_language(lang)


def _missing(x: Any) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(isinstance(x, float) and math.isnan(x)) or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- numbers


def round_half_up_decimal(x: Any, decimals: int = 0) -> Decimal:
    """``x`` rounded half up (away from zero at .5) to ``decimals``, as a ``Decimal``.

    Float noise below 1e-9 is removed first (``round(x, 9)``), so 40.95 stored
    as 40.949999999999996 still gives 41.0; then the decimal value is rounded
    half up, as people and spreadsheets do (Python's ``round`` rounds half to
    even on the binary value).  ``x`` must not be missing.

    >>> round_half_up_decimal(40.95, 1), round_half_up_decimal(2.25, 1), round_half_up_decimal(12.5)
    (Decimal('41.0'), Decimal('2.3'), Decimal('13'))
    """
    d = Decimal(repr(round(float(x), 9)))
    return d.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


def fmt_number(x: Any, decimals: int = 0, lang: str = "nl", *, missing: str = "-", minus: str = "-") -> str:
    """``x`` rounded half up to ``decimals`` (decimal comma in Dutch); ``missing`` when missing.

    A value that rounds to zero has no sign ("0,0", not "-0,0"); a negative
    value starts with ``minus`` (charts use the typographic U+2212).
    """
    _lang(lang)
    if _missing(x):
        return missing
    d = round_half_up_decimal(x, decimals)
    if d == 0:
        d = abs(d)
    s = f"{d:f}"
    if s.startswith("-"):
        s = minus + s[1:]
    sep = i18n.text("format.decimal_separator", lang)
    return s if sep == "." else s.replace(".", sep)


def fmt_pct(x: Any, decimals: int = 0, lang: str = "nl") -> str:
    """A percentage (0-100) for display: ``"41%"``; ``"-"`` when missing."""
    s = fmt_number(x, decimals, lang)
    return s if s == "-" else f"{s}%"


def fmt_p(p: Any, lang: str = "nl", *, missing: str = "-") -> str:
    """A p-value with its relation sign: ``"p < 0,001"`` or ``"p = 0,023"``; ``"p = -"`` when missing."""
    _lang(lang)
    if _missing(p):
        return f"p = {missing}"
    if float(p) < 0.001:
        return f"p < {fmt_number(0.001, 3, lang)}"
    return f"p = {fmt_number(p, 3, lang)}"


def fmt_interval(low: Any, high: Any, decimals: int = 0, lang: str = "nl", *, pct: bool = False) -> str:
    """An interval for display: ``"38-44%"`` or ``"5,8 tot 6,5"`` (``"-0,3 to 0,2"``); empty when missing."""
    if _missing(low) or _missing(high):
        return ""
    lo, hi = fmt_number(low, decimals, lang), fmt_number(high, decimals, lang)
    if pct and not lo.startswith("-"):
        return f"{lo}-{hi}%"
    if pct:
        lo, hi = f"{lo}%", f"{hi}%"
    return i18n.text("format.interval", lang, low=lo, high=hi)


def known_small(n: Any, min_cell: int = contract.DEFAULT_MIN_CELL) -> bool:
    """True when a suppressed estimate's base ``n`` is known and below ``min_cell``.

    Only then may its text say "te weinig respondenten": a group hidden by the
    protected table has no known size (a reader never learns whether it is
    small or hidden to protect a small one, :attr:`analysis.protection.CellInfo.n_below`),
    and a known base of at least ``min_cell`` was hidden to protect another group
    (secondary suppression).

    >>> known_small(4), known_small(None), known_small(40)
    (True, False, False)
    """
    if _missing(n):
        return False
    try:
        return float(n) < float(min_cell)
    except (TypeError, ValueError):
        return False


def suppressed_text(min_cell: int = contract.DEFAULT_MIN_CELL, lang: str = "nl", *, n: Any = None) -> str:
    """What a suppressed estimate shows instead of a number.

    ``n`` is the base of the suppressed estimate (group size, item answers)
    when it is known.  A known base below ``min_cell`` gives "te weinig
    respondenten (n < 10)"; an unknown base (every cell the protected table
    hides: small, or hidden to protect a small one) or a base of at least
    ``min_cell`` gives "verborgen (minder dan 10, of ter bescherming van een
    kleine groep)" (outsider finding: a group of 33 read "n < 10").

    >>> suppressed_text(10, n=4), suppressed_text(10, n=40)
    ('te weinig respondenten (n < 10)', 'verborgen (minder dan 10, of ter bescherming van een kleine groep)')
    >>> suppressed_text(10), suppressed_text(10, "en", n=40)
    ('verborgen (minder dan 10, of ter bescherming van een kleine groep)', 'hidden (fewer than 10, or to protect a small group)')
    """
    key = "suppression.too_few" if known_small(n, min_cell) else "suppression.protect"
    return i18n.text(key, lang, min_cell=min_cell)


def hidden_cell_text(min_cell: int = contract.DEFAULT_MIN_CELL, lang: str = "nl") -> str:
    """A hidden cross-table cell: below ``min_cell``, or hidden so that one cannot be worked out."""
    return i18n.text("suppression.hidden_cell", lang, min_cell=min_cell)


def size_text(n: Any, n_below: Any = None, lang: str = "nl") -> str:
    """A group size as a reader sees it (data contract 1.1, issue 9).

    A shown size is the number; a hidden small group reads "minder dan 10" /
    "fewer than 10" (``n_below`` = the minimum), a group hidden to protect
    another one "verborgen" / "hidden".  The exact size of a hidden group is
    never shown.

    >>> size_text(25), size_text(None, 10), size_text(None, 10, "en"), size_text(None)
    ('25', 'minder dan 10', 'fewer than 10', 'verborgen')
    """
    if not _missing(n):
        return str(int(n))
    if not _missing(n_below):
        return i18n.text("disclosure.size_below", lang, min_cell=int(n_below))
    return i18n.text("disclosure.size_hidden", lang)


# --------------------------------------------------------------------------- labels

#: Catalog key prefixes of the labels (``analysis/locales/<lang>.yaml``).
VARIABLE_KEY = "labels.variable."
RESPONDENT_GROUP_KEY = "labels.respondent_group."
GAP_GROUP_KEY = "labels.gap_group."


def join_or(parts, lang: str = "nl") -> str:
    """``["Ja", "Een beetje"]`` -> "Ja of Een beetje" (the catalog's word for "or")."""
    parts = [str(p) for p in parts]
    out = parts[0] if parts else ""
    for p in parts[1:]:
        out = i18n.text("format.or", lang, a=out, b=p)
    return out


@lru_cache(maxsize=1)
def _questionnaire():
    return load_questionnaire()


def variable_label(column: str, lang: str = "nl") -> str:
    """Short label of a contract column (the column name itself when unknown)."""
    key = VARIABLE_KEY + str(column)
    return i18n.text(key, lang) if i18n.has_text(key, _lang(lang)) else column


def category_label(column: str, code: Any, lang: str = "nl") -> str:
    """Label of an answer code of ``column`` (questionnaire wording); the code when unknown.

    ``n_workers`` accepts the codes 0..6 and the figure groups ``"0"`` ..
    ``"5"``, ``"meer_dan_5"``; ``respondent_type`` gives "Ouders" /
    "Jeugdigen"; ``gi`` the code itself.
    """
    _lang(lang)
    if _missing(code):
        return "-"
    code_s = str(code)
    if column == "respondent_type" and i18n.has_text(RESPONDENT_GROUP_KEY + code_s, lang):
        return i18n.text(RESPONDENT_GROUP_KEY + code_s, lang)
    if column == "gi":
        return code_s
    if column == "grade":
        return code_s
    if column == "n_workers":
        rev = {v: k for k, v in contract.WORKER_GROUPS.items()}
        if code_s in rev:
            code = rev[code_s]
        else:
            try:
                code = int(float(code_s))
            except ValueError:
                return code_s
    try:
        item = _questionnaire().item(column)
    except KeyError:
        return code_s
    return item.label(code, lang)


def group_label(group_column: str | None, code: Any, lang: str = "nl") -> str:
    """Label of a group of a grouped figure (``fig.group_column``)."""
    if _missing(code):
        return "-"
    code_s = str(code)
    if group_column == "had_gap" and i18n.has_text(GAP_GROUP_KEY + code_s, _lang(lang)):
        return i18n.text(GAP_GROUP_KEY + code_s, lang)
    if code_s == "rest":
        return i18n.text("labels.rest", lang)
    if group_column is None:
        return code_s
    return category_label(group_column, code_s, lang)


#: The figure fields that hold a title, by language (contract section 3: ``title``
#: is Dutch, ``title_en`` English); other languages read the catalog.
TITLE_FIELDS = {"nl": "title", "en": "title_en"}


def figure_title(fig, lang: str = "nl") -> str:
    """The figure's title in ``lang`` (a :class:`~analysis.figures.FigureResult`).

    The figure carries its Dutch and English titles (``title``, ``title_en``,
    filled from the catalog by :mod:`analysis.figures`); another language,
    or a figure without that title, reads ``figures.title.<id>``.
    """
    own = getattr(fig, TITLE_FIELDS.get(_lang(lang), ""), None)
    return own or i18n.text("figures.title." + str(fig.id), lang)


# --------------------------------------------------------------------------- display tables

#: Column headers of :func:`display_table` (catalog ``tables.header.<key>``).
HEADERS = ("answer", "group", "question", "n", "pct", "pct_yes", "ci", "workers", "mean", "all_answers")


def header(key: str, lang: str = "nl") -> str:
    return i18n.text("tables.header." + key, lang)


_NO_BELOW = object()


def _n_text(v: Any, n_below: Any = _NO_BELOW, lang: str = "nl") -> str:
    """A size in a table: the number; a hidden one (``n_below`` given, even None) "minder dan 10" /
    "verborgen" (issue 9), never its exact value; otherwise "-" when missing."""
    if not _missing(v):
        return str(int(v))
    return "-" if n_below is _NO_BELOW else size_text(None, n_below, lang)


def _pct_cells(row: Mapping, min_cell: int, lang: str) -> tuple[str, str]:
    if bool(row.get("suppressed")):
        return suppressed_text(min_cell, lang, n=row.get("n")), ""
    mark = " *" if bool(row.get("indicative")) else ""
    return (
        fmt_pct(row.get("pct"), 0, lang) + mark,
        fmt_interval(row.get("ci_low"), row.get("ci_high"), 0, lang, pct=True),
    )


def display_table(fig, *, lang: str = "nl") -> pd.DataFrame:
    """A figure table as text, ready to show (every cell a ``str``).

    Columns per kind (headers in ``lang``):

    * ``distribution``: Antwoord, n, %, 95%-BI
    * ``distribution_by_group``: Groep, Antwoord, n, %, 95%-BI
    * ``mean_by_group``: Aantal jeugdzorgwerkers, n, Gemiddeld cijfer, 95%-BI
    * ``pct_by_group``: Vraag, Groep, n, % ja, 95%-BI
    * ``share``: Vraag, Antwoord, n, %, 95%-BI

    Percentages have no decimals, means one (round half up).  ``min_cell``
    is the one the figure carries (``fig.min_cell``).  A suppressed
    base (a whole figure or group under ``min_cell``) becomes one row
    "(alle antwoorden)" with its base n and the suppression text, so no
    category count inside it is shown; an indicative estimate
    (``min_cell <= n < 30``) carries " *".  The suppression text follows
    the base (:func:`suppressed_text`): "te weinig respondenten (n < 10)"
    below ``min_cell``, "verborgen (minder dan 10, of ter bescherming van een kleine groep)" for a
    larger group hidden by secondary suppression.
    """
    _lang(lang)
    mc = fig.min_cell
    h = {k: header(k, lang) for k in HEADERS}
    rows: list[dict] = []
    records = fig.table.astype(object).to_dict("records")
    column = fig.items[0] if fig.items else fig.id
    protected = "n_below" in fig.table.columns  # read from the protected table (issue 9)

    def below(r: Mapping) -> Any:
        return r.get("n_below") if protected else _NO_BELOW

    base_below = getattr(fig, "base_n_below", None) if protected else _NO_BELOW
    small = suppressed_text(mc, lang, n=fig.base_n)
    if fig.kind == "distribution":
        cols = [h["answer"], h["n"], h["pct"], h["ci"]]
        if records and all(bool(r["suppressed"]) for r in records):
            base = _n_text(fig.base_n, base_below, lang)
            rows.append({h["answer"]: h["all_answers"], h["n"]: base, h["pct"]: small, h["ci"]: ""})
        else:
            for r in records:
                pct, ci = _pct_cells(r, mc, lang)
                rows.append(
                    {
                        h["answer"]: category_label(column, r["category"], lang),
                        h["n"]: _n_text(r["n"]),
                        h["pct"]: pct,
                        h["ci"]: ci,
                    }
                )
    elif fig.kind == "distribution_by_group":
        cols = [h["group"], h["answer"], h["n"], h["pct"], h["ci"]]
        done: set = set()
        for r in records:
            g = r["group"]
            gl = group_label(fig.group_column, g, lang)
            gn = (fig.group_n or {}).get(g)
            if bool(r["suppressed"]):
                if g not in done:
                    done.add(g)
                    rows.append(
                        {
                            h["group"]: gl,
                            h["answer"]: h["all_answers"],
                            h["n"]: _n_text(gn, below(r), lang),
                            h["pct"]: suppressed_text(mc, lang, n=gn),
                            h["ci"]: "",
                        }
                    )
                continue
            pct, ci = _pct_cells(r, mc, lang)
            rows.append(
                {
                    h["group"]: f"{gl} (n = {gn})" if gn is not None else gl,
                    h["answer"]: category_label(column, r["category"], lang),
                    h["n"]: _n_text(r["n"]),
                    h["pct"]: pct,
                    h["ci"]: ci,
                }
            )
    elif fig.kind == "mean_by_group":
        first = h["workers"] if fig.group_column == "n_workers" else h["group"]
        cols = [first, h["n"], h["mean"], h["ci"]]
        for r in records:
            if bool(r["suppressed"]):
                est, ci = suppressed_text(mc, lang, n=r["n"]), ""
            else:
                est = fmt_number(r["mean"], 1, lang) + (" *" if bool(r["indicative"]) else "")
                ci = fmt_interval(r["ci_low"], r["ci_high"], 1, lang)
            rows.append(
                {
                    first: group_label(fig.group_column, r["group"], lang),
                    h["n"]: _n_text(r["n"], below(r) if bool(r["suppressed"]) else _NO_BELOW, lang),
                    h["mean"]: est,
                    h["ci"]: ci,
                }
            )
    elif fig.kind in ("pct_by_group", "share"):
        second = h["answer"] if fig.kind == "share" else h["group"]
        third = h["pct"] if fig.kind == "share" else h["pct_yes"]
        cols = [h["question"], second, h["n"], third, h["ci"]]
        for r in records:
            pct, ci = _pct_cells(r, mc, lang)
            if fig.kind == "share":
                cats = [category_label(r["item"], c, lang) for c in str(r["category"]).split("|")]
                g = join_or(cats, lang)
            else:
                g = group_label(fig.group_column, r["group"], lang)
            rows.append(
                {
                    h["question"]: variable_label(r["item"], lang),
                    second: g,
                    h["n"]: _n_text(r["n"], below(r) if bool(r["suppressed"]) else _NO_BELOW, lang),
                    third: pct,
                    h["ci"]: ci,
                }
            )
    else:
        raise ValueError(f"unknown figure kind {fig.kind!r}")
    return pd.DataFrame(rows, columns=cols, dtype=object)


def labelled_table(fig, *, lang: str = "nl") -> pd.DataFrame:
    """The tidy figure table (full precision) with label columns added, for CSV/XLSX downloads.

    Adds ``figure_id`` first and ``category_label`` / ``group_label`` /
    ``item_label`` after the code columns that exist; numbers are not rounded,
    suppressed estimates stay empty.
    """
    t = fig.table.copy()
    column = fig.items[0] if fig.items else fig.id
    out = pd.DataFrame({"figure_id": [fig.id] * len(t)})
    for c in t.columns:
        out[c] = t[c].to_numpy()
        if c == "category" and fig.kind != "share":
            out["category_label"] = [category_label(column, v, lang) for v in t[c]]
        elif c == "group":
            out["group_label"] = [group_label(fig.group_column, v, lang) for v in t[c]]
        elif c == "item":
            out["item_label"] = [variable_label(v, lang) for v in t[c]]
    return out


# --------------------------------------------------------------------------- sentences


def trend_sentence(tests: Mapping | None, *, lang: str = "nl", alpha: float = ALPHA) -> str:
    """The grade-by-number-of-workers trend in one sentence.

    Based on the two-sided Jonckheere-Terpstra test of
    :func:`analysis.stats.trend_results` (``tests["jonckheere_terpstra"]``:
    ``statistic`` = standardized z, negative when the grade falls as the
    number of workers rises).  ``None`` (too few data) gives a sentence
    saying no test was done.

    Examples
    --------
    >>> trend_sentence({"jonckheere_terpstra": {"statistic": -9.1, "p_value": 1e-19}})
    'Het cijfer daalt significant naarmate respondenten meer jeugdzorgwerkers hebben gehad (Jonckheere-Terpstra, p < 0,001).'
    """
    _lang(lang)
    jt = (tests or {}).get("jonckheere_terpstra") if tests else None
    z = None if jt is None else jt.get("statistic")
    p = None if jt is None else jt.get("p_value")
    if jt is None or _missing(z) or _missing(p):
        return i18n.text("wording.trend.too_few", lang)
    ptxt = fmt_p(p, lang)
    if float(p) < alpha and float(z) != 0:
        key = "wording.trend.falls" if float(z) < 0 else "wording.trend.rises"
        return i18n.text(key, lang, p=ptxt)
    return i18n.text("wording.trend.none", lang, p=ptxt)


def trend_details(tests: Mapping | None, *, lang: str = "nl") -> str:
    """All three trend tests in one line (Kruskal-Wallis H, Spearman rho, JT z), for experts."""
    _lang(lang)
    if not tests:
        return ""
    kw, sp, jt = tests["kruskal_wallis"], tests["spearman"], tests["jonckheere_terpstra"]
    return i18n.text(
        "wording.trend.details",
        lang,
        h=fmt_number(kw["statistic"], 2, lang),
        p_kw=fmt_p(kw["p_value"], lang),
        rho=fmt_number(sp["rho"], 2, lang),
        p_rho=fmt_p(sp["p_value"], lang),
        z=fmt_number(jt["statistic"], 2, lang),
        p_jt=fmt_p(jt["p_value"], lang),
    )


def comparison_sentence(
    row: Mapping,
    *,
    a_label: str,
    b_label: str,
    lang: str = "nl",
    min_cell: int = contract.DEFAULT_MIN_CELL,
    alpha: float = ALPHA,
) -> str:
    """One row of :func:`analysis.compare.compare_groups` in words (Holm-adjusted p).

    "Rapportcijfer: JBN 5,6 tegen 5,1 bij alle andere GI's samen; verschil
    0,5 (95%-BI 0,2 tot 0,8), significant (Holm p = 0,003)."
    """
    _lang(lang)
    item = variable_label(str(row["item"]), lang)
    if bool(row.get("suppressed")):
        # the difference is hidden because (at least) one side is small
        ns = [row.get(k) for k in ("a_n", "b_n") if not _missing(row.get(k))]
        return f"{item}: {suppressed_text(min_cell, lang, n=min(ns) if len(ns) == 2 else None)}."
    mean = row.get("measure") == "mean"
    dec = 1 if mean else 0
    unit = "" if mean else "%"
    a = fmt_number(row["a_estimate"], dec, lang) + unit
    b = fmt_number(row["b_estimate"], dec, lang) + unit
    diff = fmt_number(row["difference"], dec, lang)
    lo, hi = fmt_number(row["ci_low"], dec, lang), fmt_number(row["ci_high"], dec, lang)
    p = row.get("p_holm")
    sig = (not _missing(p)) and float(p) < alpha
    verdict = i18n.text("wording.comparison.significant" if sig else "wording.comparison.not_significant", lang)
    return i18n.text(
        "wording.comparison.mean" if mean else "wording.comparison.pct",
        lang,
        item=item,
        a_label=a_label,
        a=a,
        b=b,
        b_label=b_label,
        difference=diff,
        low=lo,
        high=hi,
        verdict=verdict,
        p=fmt_p(p, lang),
    )
