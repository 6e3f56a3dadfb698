"""Texts of sign-in, roles, the audit log page and the import confirmation.

They live in the one catalog per language (``auth.*`` in
``analysis/locales/<lang>.yaml``); :func:`t` takes the key after ``auth.``.
"""

from __future__ import annotations

from typing import Any

from analysis import i18n

#: Catalog namespace of these texts.
TEXT_NAMESPACE = "auth."


def t(key: str, lang: str = "nl", **fmt: Any) -> str:
    """Text ``auth.<key>`` in ``lang``."""
    return i18n.text(TEXT_NAMESPACE + key, lang, **fmt)
