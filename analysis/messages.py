"""Messages of validation and import records: a catalog key and named parameters.

A validation or import problem (:class:`analysis.validation.ErrorRecord`,
:class:`analysis.answers.AnswerProblem`, :class:`analysis.io.ReadError`)
carries its rule and the named parameters of its message, not the message
itself; the words come from the catalog (``validation.<key>`` in
``analysis/locales/<lang>.yaml``) in the reader's language when it is shown:
Dutch in the app, English on the command line.

* A parameter that is a :class:`Message` is put into words in the same
  language (the reason inside "The file cannot be read: {reason}").
* A parameter that is a :class:`Count` is written with the language's
  thousands separator (``format.thousands_separator``: 2.417 / 2,417).

>>> Message("required_value", {"column": "gi"}).text("nl")
"'gi' mag niet leeg zijn."
>>> count_text(2417, "nl"), count_text(2417, "en")
('2.417', '2,417')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import i18n

#: Catalog namespace of every validation and import message.
NAMESPACE = "validation."


class Count(int):
    """A whole number shown with the reader's thousands separator."""


def count_text(n: int, lang: str = "en") -> str:
    """``n`` with the thousands separator of ``lang``: 2.417 (nl), 2,417 (en)."""
    return f"{int(n):,}".replace(",", i18n.text("format.thousands_separator", lang))


def _word(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, Count):
        return count_text(value, lang)
    return value


@dataclass(frozen=True)
class Message:
    """A text of the catalog not yet put into words: ``validation.<key>`` and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (nested messages and counts in the same language)."""
        return i18n.text(NAMESPACE + self.key, lang, **{k: _word(v, lang) for k, v in self.params.items()})


class Recorded:
    """Mixin of a record that keeps ``rule``, ``params`` and ``key`` (default: the rule):
    its message is ``validation.<key>`` from the catalog."""

    rule: str
    params: Mapping[str, Any]
    key: str | None

    def message_in(self, lang: str = "en") -> str:
        """The message in ``lang``, from the catalog."""
        return Message(self.key or self.rule, self.params).text(lang)

    @property
    def message(self) -> str:
        """The message in English (command line, exceptions)."""
        return self.message_in("en")


def message(key: str, /, **params: Any) -> Message:
    """``Message(key, params)``: the message ``validation.<key>`` with named parameters."""
    return Message(key, params)
