"""Words and numbers for people: labels, number formats, display tables and generated sentences.

Everything a dashboard page or a report document shows as text comes from
here, in Dutch (B1) and English (``lang`` is ``"nl"`` or ``"en"``):

* :func:`round_half_up_decimal`: the one display rounding of the project
  (half up, float noise below 1e-9 removed first); :func:`fmt_number`,
  :func:`fmt_pct`, :func:`fmt_p`, :func:`fmt_interval` build on it (Dutch
  decimal comma).  :mod:`analysis.charts`, :mod:`analysis.report` and
  :func:`analysis.reference.round_half_up` use these too;
* :func:`variable_label`, :func:`category_label`, :func:`group_label`,
  :func:`figure_title`: labels of contract columns, codes and figures
  (answer labels come from the questionnaire definition);
* :func:`suppressed_text`: the small-cell text "te weinig respondenten (n < 10)",
  or "verborgen om een kleine groep te beschermen" for a group of at least
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

from . import contract

LANGS = ("nl", "en")
#: Significance level used in generated sentences.
ALPHA = 0.05


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    return lang


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
    return s.replace(".", ",") if lang == "nl" else s


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
        return "p < 0,001" if lang == "nl" else "p < 0.001"
    return f"p = {fmt_number(p, 3, lang)}"


def fmt_interval(low: Any, high: Any, decimals: int = 0, lang: str = "nl", *, pct: bool = False) -> str:
    """An interval for display: ``"38-44%"`` or ``"5,8 tot 6,5"`` (``"-0,3 to 0,2"``); empty when missing."""
    if _missing(low) or _missing(high):
        return ""
    lo, hi = fmt_number(low, decimals, lang), fmt_number(high, decimals, lang)
    if pct and not lo.startswith("-"):
        return f"{lo}-{hi}%"
    word = "tot" if lang == "nl" else "to"
    return f"{lo}% {word} {hi}%" if pct else f"{lo} {word} {hi}"


#: The two reasons a suppressed estimate gives (nl, en); ``{m}`` is min_cell.
SUPPRESSED_TEXTS = {
    "too_few": ("te weinig respondenten (n < {m})", "too few respondents (n < {m})"),
    "protect": ("verborgen om een kleine groep te beschermen", "hidden to protect a small group"),
}


def protects_small_group(n: Any, min_cell: int = contract.DEFAULT_MIN_CELL) -> bool:
    """True when a suppressed estimate with base ``n`` was hidden by secondary suppression.

    That is when its base is known and at least ``min_cell``: the group is
    not small itself, it is hidden so that a small group cannot be worked out
    by subtraction (:func:`analysis.stats.secondary_suppression`).  A missing
    base counts as small.
    """
    if _missing(n):
        return False
    try:
        return float(n) >= float(min_cell)
    except (TypeError, ValueError):
        return False


def suppressed_text(min_cell: int = contract.DEFAULT_MIN_CELL, lang: str = "nl", *, n: Any = None) -> str:
    """What a suppressed estimate shows instead of a number.

    ``n`` is the base of the suppressed estimate (group size, item answers)
    when it is known.  A base below ``min_cell`` (or unknown) gives "te
    weinig respondenten (n < 10)"; a base of at least ``min_cell`` means the
    estimate was hidden by secondary suppression
    (:func:`analysis.stats.secondary_suppression`) and gives "verborgen om
    een kleine groep te beschermen".

    >>> suppressed_text(10), suppressed_text(10, n=4), suppressed_text(10, n=40)
    ('te weinig respondenten (n < 10)', 'te weinig respondenten (n < 10)', 'verborgen om een kleine groep te beschermen')
    >>> suppressed_text(10, "en", n=40)
    'hidden to protect a small group'
    """
    key = "protect" if protects_small_group(n, min_cell) else "too_few"
    return _pick(SUPPRESSED_TEXTS[key], lang).format(m=min_cell)


def hidden_cell_text(min_cell: int = contract.DEFAULT_MIN_CELL, lang: str = "nl") -> str:
    """A hidden cross-table cell: below ``min_cell``, or hidden so that one cannot be worked out."""
    return (
        f"verborgen (n < {min_cell} of ter bescherming)"
        if _lang(lang) == "nl"
        else f"hidden (n < {min_cell} or to protect another cell)"
    )


# --------------------------------------------------------------------------- labels

#: Short labels of the contract columns (dropdowns, axes, tables).
VARIABLE_LABELS: dict[str, tuple[str, str]] = {
    "response_id": ("Antwoord-id", "Response id"),
    "round_id": ("Ronde", "Round"),
    "gi": ("Instelling (GI)", "Institution (GI)"),
    "respondent_type": ("Type respondent", "Respondent type"),
    "submitted_week": ("Week van invullen", "Week submitted"),
    "measure_type": ("Soort maatregel", "Type of measure"),
    "n_workers": ("Aantal jeugdzorgwerkers", "Number of workers"),
    "had_gap": ("Periode zonder jeugdzorgwerker", "Period without a worker"),
    "contact_one_on_one": ("Jeugdige alleen gesproken", "Young person seen alone"),
    "explained_at_start": ("Uitleg bij de start", "Explained at the start"),
    "opinion_asked": ("Naar mening gevraagd", "Asked for opinion"),
    "involved_in_decisions": ("Betrokken bij beslissingen", "Involved in decisions"),
    "asked_life_domains": ("Gevraagd naar alle leefgebieden", "Asked about all areas of life"),
    "asked_safety": ("Gevraagd naar veiligheid", "Asked about safety"),
    "say_in_plan": ("Inspraak in het plan van aanpak", "Say in the plan"),
    "help_improves": ("Hulp leidt tot verbetering", "Help leads to improvement"),
    "quality_time_attention": ("Voldoende tijd en aandacht", "Enough time and attention"),
    "quality_understanding": ("Begripvol", "Understanding"),
    "quality_respectful": ("Respectvol", "Respectful"),
    "quality_expert": ("Deskundig", "Expert"),
    "quality_clear": ("Duidelijk", "Clear"),
    "quality_reachable": ("Bereikbaar", "Reachable"),
    "grade": ("Rapportcijfer", "Report grade"),
    "comment_grade": ("Toelichting op het cijfer", "Comment on the grade"),
    "comment_improve": ("Wat kan beter", "What could be better"),
}

#: Group labels (nl, en) of the grouped figures; the one source for the
#: dashboards, :mod:`analysis.charts` (legends) and :mod:`analysis.report`.
RESPONDENT_TYPE_LABELS = {"ouder": ("Ouders", "Parents"), "jeugdige": ("Jeugdigen", "Young people")}
GAP_GROUP_LABELS = {
    "nee": ("Nooit zonder jeugdzorgwerker", "Never without a worker"),
    "ja": ("Periode zonder jeugdzorgwerker", "Period without a worker"),
    "weet_niet": ("Weet niet of er een periode zonder was", "Don't know if there was a gap"),
}
#: Labels of the pooled groups in comparisons.
REST_LABEL = ("Alle andere GI's samen", "All other GIs together")


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Dutch or English half of a ``(nl, en)`` pair."""
    return pair[1] if _lang(lang) == "en" else pair[0]


_pick = pick


@lru_cache(maxsize=1)
def _questionnaire():
    from .questionnaire import load_questionnaire

    return load_questionnaire()


def variable_label(column: str, lang: str = "nl") -> str:
    """Short label of a contract column (the column name itself when unknown)."""
    pair = VARIABLE_LABELS.get(column)
    return _pick(pair, lang) if pair else column


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
    if column == "respondent_type" and code_s in RESPONDENT_TYPE_LABELS:
        return _pick(RESPONDENT_TYPE_LABELS[code_s], lang)
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
    if group_column == "had_gap" and code_s in GAP_GROUP_LABELS:
        return _pick(GAP_GROUP_LABELS[code_s], lang)
    if code_s == "rest":
        return _pick(REST_LABEL, lang)
    if group_column is None:
        return code_s
    return category_label(group_column, code_s, lang)


def figure_title(fig, lang: str = "nl") -> str:
    """The figure's title in ``lang`` (a :class:`~analysis.figures.FigureResult`)."""
    return fig.title_en if _lang(lang) == "en" else fig.title


def figure_subtitle(fig, lang: str = "nl") -> str:
    """The title in the other language (shown small under the main title)."""
    return fig.title if _lang(lang) == "en" else fig.title_en


# --------------------------------------------------------------------------- display tables

#: Column headers of :func:`display_table`.
HEADERS = {
    "answer": ("Antwoord", "Answer"),
    "group": ("Groep", "Group"),
    "question": ("Vraag", "Question"),
    "n": ("n", "n"),
    "pct": ("%", "%"),
    "pct_yes": ("% ja", "% yes"),
    "ci": ("95%-BI", "95% CI"),
    "workers": ("Aantal jeugdzorgwerkers", "Number of workers"),
    "mean": ("Gemiddeld cijfer", "Mean grade"),
    "all_answers": ("(alle antwoorden)", "(all answers)"),
}


def header(key: str, lang: str = "nl") -> str:
    return _pick(HEADERS[key], lang)


def _n_text(v: Any) -> str:
    return "-" if _missing(v) else str(int(v))


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
    below ``min_cell``, "verborgen om een kleine groep te beschermen" for a
    larger group hidden by secondary suppression.
    """
    _lang(lang)
    mc = fig.min_cell
    h = {k: header(k, lang) for k in HEADERS}
    rows: list[dict] = []
    records = fig.table.astype(object).to_dict("records")
    column = fig.items[0] if fig.items else fig.id
    small = suppressed_text(mc, lang, n=fig.base_n)
    if fig.kind == "distribution":
        cols = [h["answer"], h["n"], h["pct"], h["ci"]]
        if records and all(bool(r["suppressed"]) for r in records):
            rows.append({h["answer"]: h["all_answers"], h["n"]: str(fig.base_n), h["pct"]: small, h["ci"]: ""})
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
                            h["n"]: _n_text(gn),
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
                    h["n"]: _n_text(r["n"]),
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
                g = (" of " if lang == "nl" else " or ").join(cats)
            else:
                g = group_label(fig.group_column, r["group"], lang)
            rows.append(
                {
                    h["question"]: variable_label(r["item"], lang),
                    second: g,
                    h["n"]: _n_text(r["n"]),
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
        return (
            "Te weinig gegevens om te toetsen of het cijfer samenhangt met het aantal jeugdzorgwerkers."
            if lang == "nl"
            else "Too few data to test whether the grade is related to the number of workers."
        )
    ptxt = fmt_p(p, lang)
    if float(p) < alpha and float(z) != 0:
        if lang == "nl":
            verb = "daalt" if float(z) < 0 else "stijgt"
            return (
                f"Het cijfer {verb} significant naarmate respondenten meer jeugdzorgwerkers "
                f"hebben gehad (Jonckheere-Terpstra, {ptxt})."
            )
        verb = "falls" if float(z) < 0 else "rises"
        return f"The grade {verb} significantly as respondents have had more workers (Jonckheere-Terpstra, {ptxt})."
    if lang == "nl":
        return (
            "Er is geen significante stijging of daling van het cijfer naarmate respondenten "
            f"meer jeugdzorgwerkers hebben gehad (Jonckheere-Terpstra, {ptxt})."
        )
    return (
        "The grade shows no significant rise or fall as respondents have had more workers "
        f"(Jonckheere-Terpstra, {ptxt})."
    )


def trend_details(tests: Mapping | None, *, lang: str = "nl") -> str:
    """All three trend tests in one line (Kruskal-Wallis H, Spearman rho, JT z), for experts."""
    _lang(lang)
    if not tests:
        return ""
    kw, sp, jt = tests["kruskal_wallis"], tests["spearman"], tests["jonckheere_terpstra"]
    return (
        f"Kruskal-Wallis H = {fmt_number(kw['statistic'], 2, lang)} ({fmt_p(kw['p_value'], lang)}); "
        f"Spearman rho = {fmt_number(sp['rho'], 2, lang)} ({fmt_p(sp['p_value'], lang)}); "
        f"Jonckheere-Terpstra z = {fmt_number(jt['statistic'], 2, lang)} "
        f"({fmt_p(jt['p_value'], lang)})."
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
    pts = "" if mean else (" procentpunt" if lang == "nl" else " percentage points")
    a = fmt_number(row["a_estimate"], dec, lang) + unit
    b = fmt_number(row["b_estimate"], dec, lang) + unit
    diff = fmt_number(row["difference"], dec, lang)
    lo, hi = fmt_number(row["ci_low"], dec, lang), fmt_number(row["ci_high"], dec, lang)
    p = row.get("p_holm")
    sig = (not _missing(p)) and float(p) < alpha
    if lang == "nl":
        verdict = "significant" if sig else "niet significant"
        return (
            f"{item}: {a_label} {a} tegen {b} bij {b_label}; verschil {diff}{pts} "
            f"(95%-BI {lo} tot {hi}), {verdict} (Holm {fmt_p(p, lang)})."
        )
    verdict = "significant" if sig else "not significant"
    return (
        f"{item}: {a_label} {a} against {b} for {b_label}; difference {diff}{pts} "
        f"(95% CI {lo} to {hi}), {verdict} (Holm {fmt_p(p, lang)})."
    )
