"""What a valid answer is: one definition for the respondent flow, storage and file validation.

The rules are derived from the questionnaire definition
(``analysis/data/questionnaire.yaml``: item types, answer codes, ``min``/``max``,
``max_length``, ``required``, ``show_if``) and the data contract
(:mod:`analysis.contract`: the codes and ranges of the contract columns, which
win for those columns):

* :func:`answer_rules` gives one :class:`AnswerRule` per column: the kind of
  answer (``code``, ``integer`` or ``text``), its codes, its range (or the
  whole numbers it allows) and its longest text.
* :func:`check_answer` checks one value against its rule and gives the value in
  its stored form (a code, an ``int``, stripped text) or an
  :class:`AnswerProblem`.
* :func:`check_answers` checks a whole answer set the way the online
  questionnaire asks it: unknown items, every shown answer, answers to items
  the questionnaire hides (``show_if``) dropped, required items present.

Who uses what:

* the respondent flow (``survey_app.respond.flow``) checks each answer on the
  screen (:func:`check_answer`) and the finished set (:func:`check_answers`);
* storage (``Storage.submit_response``) checks every submitted set with
  :func:`check_answers` before it is stored;
* file validation (:func:`analysis.validation.validate_frame`) applies the same
  rules column by column (vectorised for speed): the same codes,
  :data:`INTEGER_PATTERN`, ranges, longest texts and messages
  (:func:`describe`).  ``required`` and ``show_if`` are rules of the online
  questionnaire only: in a file an empty cell means "not answered" (data
  contract, section 1).

Values are compared in their text form, as in a file: surrounding spaces do
not count, a whole number may be written ``7`` or ``7.0``; ``True``/``False``
are never an answer.  Rule ids (the ``rule`` of an :class:`AnswerProblem`, the
same ids as in a validation report): ``unknown_code``, ``not_integer``,
``out_of_range``, ``not_text``, ``text_too_long``, ``required_missing``,
``unknown_item``.

Example::

    >>> from analysis.answers import answer_rules, check_answer
    >>> check_answer(answer_rules()["grade"], " 8 ")
    (8, None)
    >>> check_answer(answer_rules()["had_gap"], "misschien")[1].rule
    'unknown_code'
"""

from __future__ import annotations

import difflib
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd

from . import contract
from .messages import Message, Recorded, message
from .questionnaire import load_questionnaire

#: Longest free text when the questionnaire gives no ``max_length``.
DEFAULT_MAX_TEXT_LENGTH = 2000
#: A whole number written as text: ``7``, ``+7``, ``-1``, ``7.0`` (as a spreadsheet may store it).
INTEGER_PATTERN = r"[+-]?\d+(?:\.0*)?"
_INTEGER_RE = re.compile(r"([+-]?\d+)(?:\.0*)?")
KINDS = ("code", "integer", "text")


@dataclass(frozen=True)
class AnswerRule:
    """What one column accepts.

    ``kind`` is ``code`` (one of ``codes``), ``integer`` (a whole number in
    ``lo..hi``, or one of ``allowed`` when that is set) or ``text`` (at most
    ``max_length`` characters after stripping).
    """

    column: str
    kind: str
    codes: tuple[str, ...] = ()
    lo: int | None = None
    hi: int | None = None
    allowed: tuple[int, ...] | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class AnswerProblem(Recorded):
    """One answer that is not valid: item, the value as given, rule id and the message's parameters.

    The message is the catalog text ``validation.<key>`` (``key`` defaults to
    ``rule``) filled from ``params``: :meth:`message_in` in a language,
    :attr:`message` in English.
    """

    item: str
    value: Any
    rule: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    key: str | None = None


@dataclass(frozen=True)
class AnswerCheck:
    """The result of :func:`check_answers`.

    ``values`` has every questionnaire item (in questionnaire order) with its
    stored form, ``None`` when not answered, hidden or invalid; ``problems``
    lists what is wrong (empty: the set can be stored).
    """

    values: dict[str, Any]
    problems: list[AnswerProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------- the rules


def _rule_for(column: str, item=None) -> AnswerRule | None:
    """The rule of one column: the contract's codes and ranges, else the questionnaire item's."""
    if column in contract.CODES:
        return AnswerRule(column, "code", codes=tuple(contract.CODES[column]))
    if column in contract.INT_RANGES:
        lo, hi = contract.INT_RANGES[column]
        return AnswerRule(column, "integer", lo=lo, hi=hi)
    if item is None:
        if column in contract.COMMENT_COLUMNS:
            return AnswerRule(column, "text", max_length=DEFAULT_MAX_TEXT_LENGTH)
        return None
    if item.type == "choice":
        return AnswerRule(column, "code", codes=tuple(str(c) for c in item.codes))
    if item.type == "count":
        allowed = tuple(int(c) for c in item.codes)
        return AnswerRule(column, "integer", lo=min(allowed), hi=max(allowed), allowed=allowed)
    if item.type == "grade":
        return AnswerRule(column, "integer", lo=int(item.min), hi=int(item.max))
    return AnswerRule(column, "text", max_length=int(item.max_length or DEFAULT_MAX_TEXT_LENGTH))


def item_rule(item) -> AnswerRule:
    """The :class:`AnswerRule` of one questionnaire item (as in :func:`answer_rules`)."""
    return _rule_for(item.id, item)


def answer_rules(questionnaire=None) -> dict[str, AnswerRule]:
    """One :class:`AnswerRule` per column: every coded, numeric and comment column of
    the contract (``respondent_type`` included) and every item of ``questionnaire``
    (default: the built-in one), in contract order, then the extra items.

    Contract columns keep the contract's codes and ranges; a comment takes the
    ``max_length`` of its questionnaire item (else :data:`DEFAULT_MAX_TEXT_LENGTH`).
    """
    if questionnaire is None or questionnaire is _default_questionnaire():
        return dict(_default_rules())
    return _rules(questionnaire)


def _default_questionnaire():
    return load_questionnaire()


def _rules(questionnaire) -> dict[str, AnswerRule]:
    items = {i.id: i for i in questionnaire.items} if questionnaire is not None else {}
    out: dict[str, AnswerRule] = {}
    for c in contract.COLUMNS:
        # codes and ranges from the contract; a comment's longest text from its questionnaire item
        rule = _rule_for(c, items.get(c))
        if rule is not None:
            out[c] = rule
    for iid, item in items.items():
        if iid not in out:
            out[iid] = _rule_for(iid, item)
    return out


@lru_cache(maxsize=1)
def _default_rules() -> dict[str, AnswerRule]:
    return _rules(_default_questionnaire())


# --------------------------------------------------------------------------- one answer


def is_answered(value: Any) -> bool:
    """False for ``None``, NaN, ``pd.NA`` and blank text."""
    if value is None:
        return False
    if isinstance(value, float) and value != value:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return value is not pd.NA


def value_text(value: Any) -> str | None:
    """A value in its text form, as a file cell reads (``7.0`` -> ``"7"``); None for bools."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return None
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        f = float(value)
        if f.is_integer() and abs(f) < 1e16:
            return str(int(f))
        return repr(f)
    return None


def check_answer(rule: AnswerRule, value: Any) -> tuple[Any, AnswerProblem | None]:
    """Check one answered value; returns ``(stored value, None)`` or ``(None, problem)``.

    An unanswered value (:func:`is_answered`) gives ``(None, None)``.
    """
    if not is_answered(value):
        return None, None
    c = rule.column
    if rule.kind == "text":
        if not isinstance(value, str):
            return None, _problem(rule, value, "not_text", message("not_text", column=c, type=type(value).__name__))
        text = value.strip()
        if rule.max_length is not None and len(text) > rule.max_length:
            return None, _problem(rule, value, "text_too_long", describe("text_too_long", rule, text))
        return text, None
    text = value_text(value)
    if rule.kind == "code":
        if text is None or text not in rule.codes:
            return None, _problem(rule, value, "unknown_code", describe("unknown_code", rule, _shown(value, text)))
        return text, None
    m = _INTEGER_RE.fullmatch(text) if text is not None else None
    if m is None:
        return None, _problem(rule, value, "not_integer", describe("not_integer", rule, _shown(value, text)))
    number = int(m.group(1))
    if not in_range(rule, number):
        return None, _problem(rule, value, "out_of_range", describe("out_of_range", rule, text))
    return number, None


def in_range(rule: AnswerRule, number: int) -> bool:
    """True when a whole number fits an ``integer`` rule (its ``allowed`` values, else ``lo..hi``)."""
    if rule.allowed is not None:
        return number in rule.allowed
    return rule.lo <= number <= rule.hi


def _shown(value: Any, text: str | None) -> str:
    return text if text is not None else str(value)


def _problem(rule: AnswerRule, value: Any, rule_id: str, msg: Message) -> AnswerProblem:
    return AnswerProblem(rule.column, value, rule_id, msg.params, None if msg.key == rule_id else msg.key)


# --------------------------------------------------------------------------- a whole set


def shown_answers(questionnaire, answers: Mapping[str, Any], *, check: bool = False):
    """The answered items the questionnaire shows for ``answers``, in questionnaire order.

    Items are walked in order and an item's ``show_if`` is judged on the answers
    kept so far, so an item that depends on a dropped answer is dropped too.
    Without ``check`` the answers are kept as given (text stripped); with
    ``check`` each is checked (:func:`check_answer`) and kept in its stored
    form, and ``(kept, problems)`` is returned.
    """
    rules = answer_rules(questionnaire) if check else {}
    kept: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for item in questionnaire.items:
        value = answers.get(item.id)
        if not is_answered(value) or not item.is_shown(kept):
            continue
        if check:
            value, problem = check_answer(rules[item.id], value)
            if problem is not None:
                problems.append(problem)
                continue
        elif isinstance(value, str) and item.type == "text":
            value = value.strip()
        kept[item.id] = value
    return (kept, problems) if check else kept


def missing_required(questionnaire, kept: Mapping[str, Any], items=None) -> list:
    """Shown required items (of ``items``, default all) without an answer in ``kept``."""
    items = questionnaire.items if items is None else items
    return [i for i in items if i.required and i.is_shown(kept) and i.id not in kept]


def check_answers(answers: Mapping[str, Any], questionnaire=None) -> AnswerCheck:
    """Check a whole answer set (item id -> answer) as the online questionnaire asks it.

    * a key that is not an item of the questionnaire: ``unknown_item``;
    * every shown, answered item: :func:`check_answer`;
    * answers to items the questionnaire hides (``show_if``) are dropped;
    * a shown required item without a (valid) answer: ``required_missing``.
    """
    if questionnaire is None:
        questionnaire = load_questionnaire()
    ids = set(questionnaire.item_ids)
    problems = [
        AnswerProblem(str(k), answers[k], "unknown_item", {"item": k}) for k in sorted(answers, key=str) if k not in ids
    ]
    kept, value_problems = shown_answers(questionnaire, answers, check=True)
    problems += value_problems
    invalid = {p.item for p in value_problems}
    for item in missing_required(questionnaire, kept):
        if item.id not in invalid:
            problems.append(AnswerProblem(item.id, None, "required_missing", {"item": item.id}))
    return AnswerCheck({i: kept.get(i) for i in questionnaire.item_ids}, problems)


# --------------------------------------------------------------------------- messages


def quote(v: str | None) -> str:
    """A cell value in a message: quoted, cut at 60 characters; ``(leeg)`` for an empty cell."""
    if v is None:
        return "(leeg)"
    return "'" + (v if len(v) <= 60 else v[:57] + "...") + "'"


def describe(rule_id: str, rule: AnswerRule, value: str | None) -> Message:
    """The message (catalog key and parameters) of a problem with ``value`` (its text form) in ``rule.column``.

    The same sentences in the respondent flow, storage and a file's validation report.
    A too long text is never quoted (it may hold personal data).
    """
    c = rule.column
    if rule_id == "unknown_code":
        allowed = ", ".join(rule.codes)
        hint = suggest_code(c, value, rule.codes) if value is not None else None
        if hint:
            return message("unknown_code_hint", value=quote(value), column=c, hint=hint, allowed=allowed)
        return message("unknown_code", value=quote(value), column=c, allowed=allowed)
    if rule_id == "not_integer":
        return message("not_integer", value=quote(value), column=c)
    if rule_id == "out_of_range":
        if rule.allowed is None:
            return message("out_of_range", column=c, value=value, lo=rule.lo, hi=rule.hi)
        return message("out_of_range_list", column=c, value=value, allowed=", ".join(str(a) for a in rule.allowed))
    if rule_id == "text_too_long":
        return message("text_too_long", column=c, length=len(value or ""), limit=rule.max_length)
    raise ValueError(f"no message for rule {rule_id!r}")


def _label_lookup() -> dict[str, dict[str, str]]:
    """column -> {lower-case Dutch/English label: code} for hints."""
    try:
        q = load_questionnaire()
    except Exception:  # pragma: no cover - the built-in definition is tested elsewhere
        return {}
    out: dict[str, dict[str, str]] = {}
    for col in contract.CODES:
        try:
            item = q.item(col)
        except KeyError:
            continue
        m: dict[str, str] = {}
        for o in item.options:
            for key in (o.label.nl, o.label.en):
                m.setdefault(key.strip().lower(), str(o.code))
        out[col] = m
    return out


_LABELS: dict[str, dict[str, str]] | None = None


def suggest_code(column: str, value: str, codes: Sequence[str]) -> str | None:
    """The code a wrong value probably meant ('Ja' -> 'ja', 'Een beetje' -> 'een_beetje')."""
    global _LABELS
    low = value.strip().lower()
    norm = re.sub(r"[\s\-]+", "_", low)
    if norm in codes:
        return norm
    if _LABELS is None:
        _LABELS = _label_lookup()
    hit = _LABELS.get(column, {}).get(low)
    if hit in codes:
        return hit
    close = difflib.get_close_matches(norm, list(codes), n=1, cutoff=0.75)
    return close[0] if close else None
