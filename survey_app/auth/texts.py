"""Texts of sign-in, roles, the audit log page and the import confirmation.

They live in the one catalog per language (``auth.*`` in
``analysis/locales/<lang>.yaml``); :func:`t` takes the key after ``auth.``.
The names of the round actions in the audit log are ``rounds.audit_action.*``
(and ``a11y2.audit_action.*`` for the easy-read switch; :func:`action_label` reads them all).
"""

from __future__ import annotations

from typing import Any

from analysis import i18n

#: Catalog namespace of these texts.
TEXT_NAMESPACE = "auth."
#: Where the names of the round actions are (issue 11; the easy-read switch of issue 12).
ROUND_ACTION_PREFIXES = ("rounds.audit_action.", "a11y2.audit_action.")


def t(key: str, lang: str = "nl", **fmt: Any) -> str:
    """Text ``auth.<key>`` in ``lang``."""
    return i18n.text(TEXT_NAMESPACE + key, lang, **fmt)


def action_label(action: str, lang: str = "nl") -> str:
    """The name of an audit action in ``lang`` (``auth.action.<a>``, or ``rounds.audit_action.<a>``
    for the actions of running a round); an unknown action as it is stored."""
    for key in (TEXT_NAMESPACE + "action." + action, *(p + action for p in ROUND_ACTION_PREFIXES)):
        if i18n.has_text(key, lang):
            return i18n.text(key, lang)
    return action
