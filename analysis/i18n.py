"""Every text a person reads, in one catalog per language, read through :func:`text`.

The catalogs are the YAML files ``analysis/locales/<lang>.yaml`` (package
data).  The languages are the files present: adding a language is adding a
file with every key (``tests/test_i18n.py`` fails on a missing key, on a key
whose placeholders differ between languages and on a key nobody uses).  Dutch
(``nl``, B1) is the first language and the default.

A catalog is a nested mapping; a key is the dotted path to a text, for
example ``labels.variable.grade`` or ``dashboard.n_selected``.  A text is

* a string with named placeholders in braces, ``"Stap {i} van {n}"``
  (``{{`` and ``}}`` for a literal brace), filled from the keyword
  arguments of :func:`text`;
* or plural forms, a mapping ``{one: ..., other: ...}`` chosen by the
  ``count`` argument with the language's plural rule (``_plural.one`` in the
  file lists the numbers that take the ``one`` form; ``other`` is required),
  so ``text("count.respondents", "nl", count=1)`` is "1 respondent" and
  ``count=2`` gives "2 respondenten".

A key may have a variant for one kind of reader, written ``key@variant``
(the respondent flow's youth wording: ``respond.thanks_body@jeugdige``); a
language without that variant uses the plain key.

Two files hold words that are not here, on purpose:

* ``analysis/data/questionnaire.yaml``: the questionnaire's own wording
  (questions, answer labels, step headings, help), Dutch and English per
  item, for parents and youths.  It *is* the questionnaire's definition
  (:mod:`analysis.questionnaire`), versioned with it.
* ``analysis/data/published_2025.yaml``: the published figures as printed,
  the source the reference figures are checked against.

Number formatting (rounding, the Dutch decimal comma) lives in
:mod:`analysis.wording`; it takes the decimal separator and its words from
here.  Pure: no streamlit, no I/O beyond reading the package's own files.

Keys built at run time (``"labels.variable." + column``) are listed in
:data:`DYNAMIC_PREFIXES`, so the unused-key test can account for them.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

LOCALES_DIR = Path(__file__).parent / "locales"
#: The first and fallback-free default language: Dutch (B1).
DEFAULT_LANGUAGE = "nl"
#: Plural categories a plural text may use (CLDR names); ``other`` is required.
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
#: Reserved top-level entries of a catalog file that are not texts: the plural rule, the
#: file's status (``_meta``: ``reviewed`` by a native speaker, ``fallback`` language for the
#: keys it leaves out) and the questionnaire's wording in the language (``_questionnaire``).
META_KEYS = ("_plural", "_meta", "_questionnaire")

#: Key prefixes whose keys are built at run time; every key under them counts as used.
#: Add the prefix here when code builds a key from data (``prefix + code``).
DYNAMIC_PREFIXES: tuple[str, ...] = (
    "auth.role.",
    "auth.action.",
    "rounds.audit_action.",  # survey_app.auth.texts.action_label: round actions in the audit log
    "a11y2.audit_action.",  # survey_app.auth.texts.action_label: the easy-read switch (issue 12)
    "auth.audit_col.",
    "auth.accounts_col.",
    "labels.variable.",  # analysis.wording.variable_label(column)
    "privacy.comments.column.",  # analysis.comments.comment_table: table headers
    "privacy.microdata.period.",  # analysis.microdata.MicrodataRecord.note: the period level
    "labels.respondent_group.",  # analysis.wording.category_label("respondent_type", code)
    "labels.gap_group.",  # analysis.wording.group_label("had_gap", code)
    "labels.worker_group_short.",  # analysis.charts: the last worker group on the x axis
    "figures.title.",  # analysis.figures: the title of every figure id
    "tables.header.",  # analysis.wording.display_table
    "views.key_number.",  # analysis.views.key_number_texts(key)
    "views.text_statistic.",  # analysis.views.reference_key_label(text statistic)
    "views.no_say_group.",  # analysis.views.reference_key_label(no_say_in_plan_pct.<group>)
    "views.fig7.",  # analysis.views.reference_key_label(fig7 .mean / .n)
    "views.reference_header.",  # analysis.views.reference_headers
    "views.association.",  # analysis.views.association_view(measure)
    "views.fit.",  # analysis.views.fit_view(statistic)
    "views.test.",  # analysis.views.comparison_view(test)
    "reference.figure.",  # analysis.views.reference_figure_title(published figure)
    "document.method.",  # analysis.document.method_notes
    "document.filter.",  # analysis.document.selection_lines
    "report.filter.",  # analysis.report.report_markdown (selection line)
    "respond.who.",  # survey_app respondent flow: who fills in the list (respondent type)
    "dashboard.model.",  # survey_app Verbanden page: model kind and number-of-workers options
    "dashboard.severity.",  # survey_app Import page: error / warning
    "navigation.page.",  # survey_app.web.navigation: menu title of every dashboard page
    "monitor.status_value.",  # analysis.monitor.monitor_view: the status of an institution's fieldwork
    "questionnaire_diff.field.",  # analysis.questionnaire_diff.diff_view: what changed in an item
    "rounds.status.",  # survey_app Rondes page: the status of a round or an institution
    "rounds.access.",  # survey_app Rondes page: access codes or open link
    "rounds.access_short.",  # survey_app Rondes page: the same, short
    "rounds.language.",  # survey_app Rondes page: the languages a round offers
    "validation.read.",  # analysis.io.ReadError(key): why a file cannot be read
    "validation.mail_merge.",  # analysis.letters.read_mail_merge: problems of a mail-merge file
)
#: Namespaces read through a helper that takes the part after the namespace
#: (``survey_app.respond.flow.t("next")`` reads ``respond.next``,
#: ``survey_app.dashboard.context.t("filters")`` reads ``dashboard.filters``,
#: ``analysis.letters.text("intro")`` reads ``letters.intro``, ``analysis.monitor.t``,
#: ``analysis.questionnaire_diff.t`` and ``survey_app.dashboard.rounds.t`` likewise;
#: ``validation``: the rule or message key of a validation/import record, :mod:`analysis.messages`).
SHORT_KEY_NAMESPACES: tuple[str, ...] = (
    "respond",
    "dashboard",
    "letters",
    "monitor",
    "questionnaire_diff",
    "rounds",
    "auth",
    "validation",
)

_FORMATTER = string.Formatter()


class CatalogError(ValueError):
    """A catalog file that cannot be used (names the file and the key)."""


# --------------------------------------------------------------------------- loading


def _flatten(node: Mapping, prefix: str, out: dict[str, Any], file: Path) -> None:
    for k, v in node.items():
        if not isinstance(k, str) or not k:
            raise CatalogError(f"{file}: {prefix or '(top)'}: keys are non-empty strings, not {k!r}")
        key = f"{prefix}{k}"
        if isinstance(v, str):
            out[key] = v
        elif isinstance(v, Mapping) and v and set(v) <= set(PLURAL_FORMS):
            if "other" not in v or not all(isinstance(x, str) for x in v.values()):
                raise CatalogError(f"{file}: {key}: plural forms are strings and need 'other'")
            out[key] = dict(v)
        elif isinstance(v, Mapping):
            _flatten(v, key + ".", out, file)
        else:
            raise CatalogError(f"{file}: {key}: a text is a string or plural forms, not {type(v).__name__}")


def placeholders(value: str | Mapping[str, str]) -> frozenset[str]:
    """The placeholder names of a text (all plural forms together)."""
    forms = value.values() if isinstance(value, Mapping) else (value,)
    names = set()
    for form in forms:
        for _, name, spec, conv in _FORMATTER.parse(form):
            if name is None:
                continue
            if not name.isidentifier() or spec or conv:
                raise CatalogError(f"placeholder {{{name}}} must be a plain name (no format or attribute)")
            names.add(name)
    return frozenset(names)


@cache
def _raw(lang: str) -> Mapping:
    path = LOCALES_DIR / f"{lang}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"lang must be one of {', '.join(languages())}, not {lang!r}") from None
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{path}: a catalog is a mapping of keys to texts")
    return raw


def meta(lang: str) -> dict[str, Any]:
    """The file's status: ``reviewed`` (by a native speaker; default true) and ``fallback``
    (the language of the keys the file leaves out; default none: every key is required)."""
    m = _raw(check_language(lang)).get("_meta") or {}
    if not isinstance(m, Mapping):
        raise CatalogError(f"{lang}.yaml: _meta is a mapping")
    return {"reviewed": bool(m.get("reviewed", True)), "fallback": m.get("fallback")}


def reviewed(lang: str) -> bool:
    """False for a language translated but not yet reviewed by a native speaker."""
    return meta(lang)["reviewed"]


def questionnaire_wording(lang: str, variant: str) -> Mapping:
    """The questionnaire's wording in ``lang`` for one version (``_questionnaire.<variant>`` of the
    file: ``title``, ``steps``, ``items.<id>.<respondent type>|help|options``); empty when absent."""
    q = _raw(check_language(lang)).get("_questionnaire") or {}
    return q.get(variant) or {} if isinstance(q, Mapping) else {}


@cache
def _load(lang: str) -> tuple[dict[str, Any], frozenset[int]]:
    path = LOCALES_DIR / f"{lang}.yaml"
    raw = _raw(lang)
    plural = raw.get("_plural") or {}
    one = plural.get("one", [1]) if isinstance(plural, Mapping) else None
    if not isinstance(one, list) or not all(isinstance(x, int) for x in one):
        raise CatalogError(f"{path}: _plural.one is a list of whole numbers")
    out: dict[str, Any] = {}
    _flatten({k: v for k, v in raw.items() if k not in META_KEYS}, "", out, path)
    for key, value in out.items():
        try:
            placeholders(value)
        except CatalogError as exc:
            raise CatalogError(f"{path}: {key}: {exc}") from None
    fallback = (raw.get("_meta") or {}).get("fallback") if isinstance(raw.get("_meta"), Mapping) else None
    if fallback:
        if fallback == lang or fallback not in languages():
            raise CatalogError(f"{path}: _meta.fallback {fallback!r} is not another catalog")
        # the keys this file leaves out come from the fallback language; a youth variant
        # (key@variant) only with its base key, never over a text this file has
        for key, value in _load(fallback)[0].items():
            base = key.split("@", 1)[0]
            if key not in out and (base == key or base not in out):
                out[key] = value
    return out, frozenset(one)


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The languages with a catalog file: Dutch first, then the others in name order."""
    found = sorted(p.stem for p in LOCALES_DIR.glob("*.yaml"))
    return tuple(sorted(found, key=lambda c: (c != DEFAULT_LANGUAGE, c)))


def check_language(lang: str) -> str:
    """``lang`` itself when a catalog exists for it; else :class:`ValueError`."""
    if lang not in languages():
        raise ValueError(f"lang must be one of {', '.join(languages())}, not {lang!r}")
    return lang


def catalog(lang: str) -> dict[str, Any]:
    """Every key of one language -> its text (a string, or a dict of plural forms)."""
    return dict(_load(check_language(lang))[0])


def has_text(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """True when ``key`` has a text in ``lang``."""
    return key in _load(check_language(lang))[0]


# --------------------------------------------------------------------------- reading


def plural_form(count: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """The plural form (``"one"`` or ``"other"``) a number takes in ``lang``."""
    one = _load(check_language(lang))[1]
    try:
        n = float(count)
    except (TypeError, ValueError):
        return "other"
    return "one" if n.is_integer() and int(n) in one else "other"


def text(key: str, /, lang: str = DEFAULT_LANGUAGE, *, variant: str | None = None, **params: Any) -> str:
    """The text ``key`` in ``lang``, its placeholders filled from ``params``.

    Plural texts choose their form by ``count`` (which is also a
    placeholder).  ``variant`` picks ``key@variant`` when the language has
    it (the youth wording of the respondent flow).  An unknown key or a
    missing placeholder raises :class:`KeyError`; extra ``params`` are
    ignored.  ``lang`` and ``variant`` are not placeholder names.

    >>> text("count.respondents", "nl", count=1), text("count.respondents", "nl", count=2)
    ('1 respondent', '2 respondenten')
    >>> text("respond.step_of", "en", i=2, n=5)
    'Step 2 of 5'
    """
    texts = _load(check_language(lang))[0]
    value = texts.get(f"{key}@{variant}") if variant else None
    if value is None:
        try:
            value = texts[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in the {lang!r} catalog") from None
    if isinstance(value, dict):
        if "count" not in params:
            raise KeyError(f"text {key!r} has plural forms: give count=")
        value = value.get(plural_form(params["count"], lang)) or value["other"]
    if "{" not in value and "}" not in value:
        return value
    try:
        return value.format_map(params)
    except KeyError as exc:
        raise KeyError(f"text {key!r} needs the placeholder {exc.args[0]!r}") from None


def both(key: str, /, **params: Any) -> str:
    """``key`` in Dutch / English: console lines and start-up errors, read before any language is chosen."""
    return " / ".join(text(key, lang, **params) for lang in ("nl", "en"))
