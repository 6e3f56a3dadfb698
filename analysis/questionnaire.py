"""The questionnaire definition, loaded from YAML into typed objects.

The definition lives in ``analysis/data/questionnaire.yaml``.  Each item has a
stable id equal to its contract column, its answer codes, whether the online
flow requires an answer, when it is shown (``show_if``) and its wording for
parents (u / uw kind) and youths (je / jij), in Dutch and English.

A broken file raises :class:`QuestionnaireError` naming the file and the YAML
path of the problem (for example ``items[3].options[1].code``).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import contract

DEFAULT_PATH = Path(__file__).parent / "data" / "questionnaire.yaml"
#: The built-in definition of each version (issue 12): the standard questionnaire and the
#: easy-read one (one question per screen, pictures, a practice question first), with the
#: same items and codes (:data:`analysis.contract.QUESTIONNAIRE_VARIANTS`).
VARIANT_PATHS = {
    "standaard": DEFAULT_PATH,
    "makkelijk": Path(__file__).parent / "data" / "questionnaire_makkelijk.yaml",
}
LANGUAGES = ("nl", "en")
ITEM_TYPES = ("choice", "count", "grade", "text")
_OPS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda a, b: a in b,
}


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; names the file and YAML path."""

    def __init__(self, file: str | Path, path: str, message: str):
        self.file, self.path, self.message = str(file), path, message
        super().__init__(f"{file}: {path}: {message}")


@dataclass(frozen=True)
class Text:
    nl: str
    en: str
    #: the wording in further languages (issue 12: from ``_questionnaire`` of their catalog file)
    more: Mapping[str, str] = field(default_factory=dict, compare=False)

    def get(self, lang: str = "nl") -> str:
        """The wording in ``lang``; Dutch for a language that has none for this text."""
        return {"nl": self.nl, "en": self.en}.get(lang) or self.more.get(lang, self.nl)

    def with_language(self, lang: str, text: Any) -> Text:
        if not isinstance(text, str) or not text.strip():
            return self
        return replace(self, more={**self.more, lang: text})


@dataclass(frozen=True)
class Option:
    code: str | int
    label: Text
    #: a simple picture shown with the answer in the easy-read version (an emoji)
    picture: str | None = None


@dataclass(frozen=True)
class Condition:
    item: str
    op: str
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """True when the condition holds; an unanswered item never satisfies it."""
        value = answers.get(self.item)
        if value is None or (isinstance(value, float) and value != value):
            return False
        try:
            return bool(_OPS[self.op](value, self.value))
        except TypeError:
            return False


@dataclass(frozen=True)
class Item:
    id: str
    step: str
    type: str
    required: bool
    text: Mapping[str, Text]  # respondent_type -> Text
    options: tuple[Option, ...] = ()
    help: Text | None = None
    show_if: Condition | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None

    @property
    def codes(self) -> tuple:
        return tuple(o.code for o in self.options)

    def question(self, respondent_type: str = "ouder", lang: str = "nl") -> str:
        return self.text[respondent_type].get(lang)

    def label(self, code: Any, lang: str = "nl") -> str:
        for o in self.options:
            if o.code == code or str(o.code) == str(code):
                return o.label.get(lang)
        return str(code)

    def is_shown(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)


@dataclass(frozen=True)
class Step:
    id: str
    title: Text
    #: youth wording ("je/jij") where it differs from the parent wording in ``title``
    title_youth: Text | None = None

    def heading(self, respondent_type: str = "ouder", lang: str = "nl") -> str:
        if respondent_type == "jeugdige" and self.title_youth is not None:
            return self.title_youth.get(lang)
        return self.title.get(lang)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Text
    steps: tuple[Step, ...]
    items: tuple[Item, ...]
    source: str = field(default="", compare=False)
    #: ``standaard`` or ``makkelijk`` (the easy-read version, issue 12)
    variant: str = contract.DEFAULT_VARIANT
    #: the practice question the easy-read version asks first (never stored, not an item)
    practice: Item | None = None

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def items_in_step(self, step_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.step == step_id)

    def visible_items(self, answers: Mapping[str, Any]) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.is_shown(answers))

    @property
    def version_key(self) -> str:
        return f"{self.id}@{self.version}"


# --------------------------------------------------------------------------- loading


def _need(d: Any, key: str, file, path: str, kind=None):
    if not isinstance(d, dict) or key not in d:
        raise QuestionnaireError(file, path, f"missing key '{key}'")
    v = d[key]
    if kind is not None and not isinstance(v, kind):
        raise QuestionnaireError(file, f"{path}.{key}", f"expected {getattr(kind, '__name__', kind)}")
    return v


def _text(d: Any, file, path: str) -> Text:
    if not isinstance(d, dict):
        raise QuestionnaireError(file, path, "expected a mapping with 'nl' and 'en'")
    for lang in LANGUAGES:
        v = d.get(lang)
        if not isinstance(v, str) or not v.strip():
            raise QuestionnaireError(file, f"{path}.{lang}", "missing or empty text")
    return Text(nl=d["nl"], en=d["en"])


def parse_questionnaire(data: Any, file: str | Path = "<questionnaire>") -> Questionnaire:
    """Build a :class:`Questionnaire` from parsed YAML, checking every field."""
    if not isinstance(data, dict):
        raise QuestionnaireError(file, "$", "the file must hold a mapping")
    qid = _need(data, "id", file, "$", str)
    version = _need(data, "version", file, "$", int)
    title = _text(_need(data, "title", file, "$"), file, "title")
    steps_raw = _need(data, "steps", file, "$", list)
    steps = []
    for i, s in enumerate(steps_raw):
        p = f"steps[{i}]"
        youth = (
            _text(s["title_youth"], file, f"{p}.title_youth")
            if isinstance(s, dict) and s.get("title_youth") is not None
            else None
        )
        steps.append(
            Step(
                id=_need(s, "id", file, p, str),
                title=_text(_need(s, "title", file, p), file, f"{p}.title"),
                title_youth=youth,
            )
        )
    step_ids = {s.id for s in steps}
    items_raw = _need(data, "items", file, "$", list)
    items: list[Item] = []
    seen: set[str] = set()
    for i, raw in enumerate(items_raw):
        items.append(_parse_item(raw, f"items[{i}]", file, step_ids, seen))
    variant = data.get("variant", contract.DEFAULT_VARIANT)
    if variant not in contract.QUESTIONNAIRE_VARIANTS:
        raise QuestionnaireError(file, "variant", f"use one of {', '.join(contract.QUESTIONNAIRE_VARIANTS)}")
    practice = None
    if data.get("practice") is not None:
        raw = data["practice"]
        practice = _parse_item(raw, "practice", file, {raw.get("step")} if isinstance(raw, dict) else set(), set())
        if practice.id in seen:
            raise QuestionnaireError(file, "practice.id", "the practice question is not one of the items")
    return Questionnaire(
        id=qid,
        version=version,
        title=title,
        steps=tuple(steps),
        items=tuple(items),
        source=str(file),
        variant=variant,
        practice=practice,
    )


def _parse_item(raw: Any, p: str, file, step_ids: set[str], seen: set[str]) -> Item:
    """One item at YAML path ``p``; ``seen`` holds the earlier item ids (and gets this one)."""
    iid = _need(raw, "id", file, p, str)
    if iid in seen:
        raise QuestionnaireError(file, f"{p}.id", f"duplicate item id '{iid}'")
    seen.add(iid)
    step = _need(raw, "step", file, p, str)
    if step not in step_ids:
        raise QuestionnaireError(file, f"{p}.step", f"unknown step '{step}'")
    itype = _need(raw, "type", file, p, str)
    if itype not in ITEM_TYPES:
        raise QuestionnaireError(file, f"{p}.type", f"unknown type '{itype}' (expected one of {', '.join(ITEM_TYPES)})")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise QuestionnaireError(file, f"{p}.required", "expected true or false")
    text_raw = _need(raw, "text", file, p, dict)
    text = {}
    for rt in contract.RESPONDENT_TYPES:
        text[rt] = _text(text_raw.get(rt), file, f"{p}.text.{rt}")
    options = []
    if itype in ("choice", "count"):
        opts = _need(raw, "options", file, p, list)
        if not opts:
            raise QuestionnaireError(file, f"{p}.options", "an item of this type needs options")
        for j, o in enumerate(opts):
            op = f"{p}.options[{j}]"
            code = _need(o, "code", file, op)
            if not isinstance(code, (str, int)) or isinstance(code, bool):
                raise QuestionnaireError(file, f"{op}.code", "a code is text or a whole number")
            picture = o.get("picture") if isinstance(o, dict) else None
            if picture is not None and (not isinstance(picture, str) or not picture.strip()):
                raise QuestionnaireError(file, f"{op}.picture", "a picture is a short text (an emoji)")
            options.append(
                Option(code=code, label=_text(_need(o, "label", file, op), file, f"{op}.label"), picture=picture)
            )
        codes = [o.code for o in options]
        if len(set(codes)) != len(codes):
            raise QuestionnaireError(file, f"{p}.options", "duplicate answer codes")
    show_if = None
    if raw.get("show_if") is not None:
        c = raw["show_if"]
        cp = f"{p}.show_if"
        op = _need(c, "op", file, cp, str)
        if op not in _OPS:
            raise QuestionnaireError(file, f"{cp}.op", f"unknown operator '{op}'")
        target = _need(c, "item", file, cp, str)
        if target not in seen or target == iid:
            raise QuestionnaireError(file, f"{cp}.item", f"'{target}' is not an earlier item")
        show_if = Condition(item=target, op=op, value=_need(c, "value", file, cp))
    help_text = _text(raw["help"], file, f"{p}.help") if raw.get("help") is not None else None
    lo, hi = raw.get("min"), raw.get("max")
    if itype == "grade" and (not isinstance(lo, int) or not isinstance(hi, int) or lo >= hi):
        raise QuestionnaireError(file, f"{p}.min", "a grade item needs whole numbers min < max")
    return Item(
        id=iid,
        step=step,
        type=itype,
        required=required,
        text=text,
        options=tuple(options),
        help=help_text,
        show_if=show_if,
        min=lo,
        max=hi,
        max_length=raw.get("max_length"),
    )


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Load and check a questionnaire YAML file (default: the built-in v1)."""
    if path is None:
        return _default()
    return _load(Path(path))


def _load(path: Path) -> Questionnaire:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuestionnaireError(path, "$", f"cannot read file: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "$"
        raise QuestionnaireError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    return parse_questionnaire(data, path)


def _translated(q: Questionnaire) -> Questionnaire:
    """Add the wording of every further language (``i18n.questionnaire_wording``) to ``q``."""
    from . import i18n

    for lang in i18n.languages():
        if lang in LANGUAGES:
            continue
        w = i18n.questionnaire_wording(lang, q.variant)
        if not w:
            continue
        steps_w, youth_w, items_w = w.get("steps") or {}, w.get("steps_youth") or {}, w.get("items") or {}
        steps = tuple(
            replace(
                s,
                title=s.title.with_language(lang, steps_w.get(s.id)),
                title_youth=s.title_youth.with_language(lang, youth_w.get(s.id, steps_w.get(s.id)))
                if s.title_youth is not None
                else None,
            )
            for s in q.steps
        )
        items = []
        for it in q.items:
            iw = items_w.get(it.id) or {}
            opts_w = {str(k): v for k, v in (iw.get("options") or {}).items()}
            items.append(
                replace(
                    it,
                    text={rt: t.with_language(lang, iw.get(rt)) for rt, t in it.text.items()},
                    help=it.help.with_language(lang, iw.get("help")) if it.help is not None else None,
                    options=tuple(
                        replace(o, label=o.label.with_language(lang, opts_w.get(str(o.code)))) for o in it.options
                    ),
                )
            )
        q = replace(q, title=q.title.with_language(lang, w.get("title")), steps=steps, items=tuple(items))
    return q


@cache
def load_variant(variant: str = contract.DEFAULT_VARIANT) -> Questionnaire:
    """The built-in definition of one version: ``standaard`` (the default questionnaire) or
    ``makkelijk`` (easy-read).  Both have the contract's items in the same order."""
    if variant not in VARIANT_PATHS:
        raise ValueError(f"variant must be one of {', '.join(VARIANT_PATHS)}, not {variant!r}")
    if variant == contract.DEFAULT_VARIANT:
        return _default()
    q = _translated(_load(VARIANT_PATHS[variant]))
    assert q.item_ids == contract.ITEM_COLUMNS and q.variant == variant, (q.item_ids, q.variant)
    return q


@lru_cache(maxsize=1)
def _default() -> Questionnaire:
    q = _translated(_load(DEFAULT_PATH))
    # the built-in definition must cover the contract exactly
    assert q.item_ids == contract.ITEM_COLUMNS, (q.item_ids, contract.ITEM_COLUMNS)
    return q
