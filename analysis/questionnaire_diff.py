"""Which items differ between two versions of the questionnaire.

A round keeps the questionnaire version it started with
(``rounds.questionnaire_version``, e.g. ``gi-clientervaring@1``).  A new
version keeps the item ids, so rounds stay comparable item by item;
:func:`diff_questionnaires` says per item id what changed between two
definitions and whether answers can still be compared
(:data:`DIFF_COLUMNS`).  :func:`read_questionnaire` reads an uploaded YAML
definition (for example a draft of the next version) with the same checks as
the built-in one.

Pure: no streamlit, no database.
"""

from __future__ import annotations

import pandas as pd
import yaml

from . import i18n
from .questionnaire import Item, Questionnaire, QuestionnaireError, load_questionnaire, parse_questionnaire

#: columns of :func:`diff_questionnaires`
DIFF_COLUMNS = ("item_id", "step_a", "step_b", "change", "fields", "comparable")
#: the parts of an item that are compared, in this order
FIELDS = ("type", "options", "range", "step", "text", "labels", "required", "show_if", "help", "max_length")
#: changes after which answers of the two versions can no longer be put side by side
BREAKING = frozenset({"type", "options", "range"})
MAX_YAML_BYTES = 1_000_000

#: the catalog namespace of the texts (``questionnaire_diff.<key>`` in ``analysis/locales/<lang>.yaml``)
TEXT_NAMESPACE = "questionnaire_diff."


def t(key: str, lang: str = "nl") -> str:
    """The text ``questionnaire_diff.<key>`` in ``lang`` (:func:`analysis.i18n.text`)."""
    return i18n.text(TEXT_NAMESPACE + key, lang)


def _changed_fields(a: Item, b: Item) -> list[str]:
    out = []
    if a.type != b.type:
        out.append("type")
    if a.codes != b.codes:
        out.append("options")
    if (a.min, a.max) != (b.min, b.max):
        out.append("range")
    if a.step != b.step:
        out.append("step")
    if a.text != b.text:
        out.append("text")
    if a.codes == b.codes and tuple(o.label for o in a.options) != tuple(o.label for o in b.options):
        out.append("labels")
    if a.required != b.required:
        out.append("required")
    if a.show_if != b.show_if:
        out.append("show_if")
    if a.help != b.help:
        out.append("help")
    if a.max_length != b.max_length:
        out.append("max_length")
    return out


def diff_questionnaires(a: Questionnaire, b: Questionnaire) -> pd.DataFrame:
    """Per item id of either version: what differs from ``a`` to ``b`` (:data:`DIFF_COLUMNS`).

    ``change`` is 'same', 'changed', 'added' (only in ``b``) or 'removed'
    (only in ``a``); ``fields`` lists the changed parts (:data:`FIELDS`,
    comma-separated); ``comparable`` is False when an item is in one version
    only or its type, answer codes or range changed (:data:`BREAKING`).
    Items follow ``a``'s order, then the new ones in ``b``'s order.
    """
    bi = {i.id: i for i in b.items}
    rows = []
    for ia in a.items:
        ib = bi.get(ia.id)
        if ib is None:
            rows.append((ia.id, ia.step, None, "removed", "", False))
            continue
        fields = _changed_fields(ia, ib)
        rows.append(
            (
                ia.id,
                ia.step,
                ib.step,
                "changed" if fields else "same",
                ",".join(fields),
                not (set(fields) & BREAKING),
            )
        )
    a_ids = set(a.item_ids)
    rows += [(ib.id, None, ib.step, "added", "", False) for ib in b.items if ib.id not in a_ids]
    out = pd.DataFrame(rows, columns=list(DIFF_COLUMNS))
    out["comparable"] = out["comparable"].astype(bool)
    return out


def diff_view(diff: pd.DataFrame, a: Questionnaire, b: Questionnaire, *, lang: str = "nl") -> pd.DataFrame:
    """The diff as display strings in ``lang`` (question text from ``b``, or ``a`` for a removed item)."""

    def question(item_id: str) -> str:
        q = b if item_id in b.item_ids else a
        return q.item(item_id).question("ouder", lang)

    return pd.DataFrame(
        {
            t("item_id", lang): diff["item_id"],
            t("question", lang): [question(i) for i in diff["item_id"]],
            t("change", lang): [t(c, lang) for c in diff["change"]],
            t("fields", lang): [", ".join(t("field." + f, lang) for f in s.split(",") if f) for s in diff["fields"]],
            t("comparable", lang): [t("yes" if c else "no", lang) for c in diff["comparable"]],
        }
    )


def read_questionnaire(data: bytes | str, *, file: str = "<upload>") -> Questionnaire:
    """A questionnaire definition from YAML text (an upload); raises QuestionnaireError naming ``file``."""
    if isinstance(data, bytes):
        if len(data) > MAX_YAML_BYTES:
            raise QuestionnaireError(file, "$", f"the file is larger than {MAX_YAML_BYTES // 1_000_000} MB")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise QuestionnaireError(file, "$", "not a UTF-8 text file") from exc
    try:
        parsed = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "$"
        raise QuestionnaireError(file, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    return parse_questionnaire(parsed, file)


def known_versions() -> dict[str, Questionnaire]:
    """``{version_key: questionnaire}`` of the definitions that ship with the tool."""
    q = load_questionnaire()
    return {q.version_key: q}
