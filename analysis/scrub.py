"""Remove contact and identity details from free-text answers.

:func:`scrub_text` replaces each finding with ``[verwijderd]``;
:func:`scrub_frame` does that for ``comment_grade`` and ``comment_improve``;
:func:`find_personal_data` lists what would be replaced (kind and text).

What is caught (in this order, so that a later pattern never sees the text an
earlier one removed):

``email``
    ``naam@example.nl``, ``voor.naam+x@sub.example.com``.
``url``
    ``http://`` and ``https://`` addresses, anything starting with ``www.``,
    and bare domains: ``example.nl/pad`` (any common top-level domain
    followed by a path) and ``example.nl`` / ``.com`` / ``.org`` / ``.net`` /
    ``.eu`` / ``.be`` without a path.
``iban``
    Dutch IBANs (``NL91ABNA0417164300``, also in groups of four with spaces
    and in lower case) always; other countries' IBANs when the ISO 13616
    mod-97 check holds.
``postcode``
    A Dutch postcode followed by a house number: ``1234 AB 12``,
    ``1234AB 12a``, ``1234 AB 12-3``; letters in capitals, or lower case
    written against the digits (``1234ab 12``).
``phone``
    Dutch numbers of ten digits starting with 0, or +31 / 0031 followed by
    nine digits, with spaces, dots, dashes, slashes or brackets between the
    digits: ``06-12345678``, ``06 1234 5678``, ``+31 6 12345678``,
    ``+31 (0)6 12345678``, ``0031 6 12345678``, ``020-1234567``,
    ``010 123 4567``, ``(020) 123 4567``.
``bsn``
    Nine digits, also written 3-3-3 with dots or spaces (``123.456.782``,
    ``123 456 782``), that pass the BSN eleven test
    (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11).  Nine digits that fail
    the test are left alone.

Not caught (read free text before publishing it): names of people, streets
without postcode ("Kerkstraat 12"), places, dates of birth, case or client
numbers, licence plates, social media handles, 8-digit BSNs, phone numbers
written as words or split over lines, foreign phone numbers,
e-mail addresses written as "naam at gmail dot com", bare domains with
other endings (``zorg.info`` without a path) and any detail given in
other words ("mijn buurvrouw die bij de bakker werkt").
Ordinary numbers such as a grade ("7"), a year ("2024"), a date
("01-02-2024") or an amount ("1.500") are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from . import contract

REPLACEMENT = "[verwijderd]"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

_TLDS_WITH_PATH = (
    "nl|com|org|net|eu|be|de|info|nu|io|app|online|frl|amsterdam|gov|edu|co\\.uk|uk|fr|biz|me|tv|site|shop|tk"
)
_TLDS_BARE = "nl|com|org|net|eu|be"
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    rf"|(?<![\w@.-])(?:[\w-]+\.)+(?:{_TLDS_WITH_PATH})/[^\s<>\"']*"
    rf"|(?<![\w@.-])(?:[\w-]+\.)+(?:{_TLDS_BARE})\b(?![.\-]?\w)",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}'\""

_IBAN_NL = re.compile(r"(?<![A-Za-z0-9])NL ?\d{2} ?[A-Z]{4}(?: ?\d{4}){2} ?\d{2}(?![A-Za-z0-9])", re.IGNORECASE)
_IBAN_ANY = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2} ?\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")

_POSTCODE = re.compile(
    r"(?<![\w-])[1-9]\d{3}(?: ?[A-Z]{2}|[a-z]{2})"  # 1234 AB, 1234AB, 1234ab
    r"[ ,]{0,2}\d{1,5}"  # house number
    r"(?:[ -]?[A-Za-z](?![A-Za-z])|-\d{1,4})?"  # 12a, 12 A, 12-3
    r"(?!\d)"
)

_SEP = r"[ .\-/]{0,2}"
_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00) ?31" + _SEP + r"(?:\(0\)" + _SEP + r")?"  # +31, 0031, optional (0)
    r"|\(0(?=\d{1,3}\))|0)"  # or a leading 0; an area code may be in brackets: (020)
    r"(?:\d\)?" + _SEP + r"){8}\d"  # nine more digits
    r"(?![\d])"
)

#: a phone-shaped match that starts with a date (01-02-2024 12:30) is a date, not a phone number
_DATE_START = re.compile(r"\(?0[1-9][-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d\d(?!\d)")

_BSN = re.compile(r"(?<![\w.,])\d{3}([ .]?)\d{3}\1\d{3}(?![\w]|[.,]\d)")


def bsn_elfproef(digits: str) -> bool:
    """The BSN eleven test on nine digits: sum(w_i * d_i) with weights 9..2, -1 is divisible by 11."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, digits)) % 11 == 0


def iban_valid(text: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters -> 10..35, mod 97 == 1."""
    s = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def _url_end(m: re.Match) -> tuple[int, int]:
    text = m.group(0)
    end = m.end()
    while text and text[-1] in _URL_TRAILING:
        # keep a closing bracket that belongs to the address: (.../wiki/X_(y))
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        text = text[:-1]
        end -= 1
    return m.start(), end


def _findings(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every finding, non-overlapping, in application order."""
    found: list[tuple[str, int, int]] = []
    taken = [False] * len(text)

    def free(a, b):
        return not any(taken[a:b])

    def take(kind, a, b):
        if a < b and free(a, b):
            found.append((kind, a, b))
            for i in range(a, b):
                taken[i] = True

    for m in _EMAIL.finditer(text):
        take("email", m.start(), m.end())
    for m in _URL.finditer(text):
        take("url", *_url_end(m))
    for m in _IBAN_NL.finditer(text):
        take("iban", m.start(), m.end())
    for m in _IBAN_ANY.finditer(text):
        if iban_valid(m.group(0)):
            take("iban", m.start(), m.end())
    for m in _POSTCODE.finditer(text):
        take("postcode", m.start(), m.end())
    for m in _PHONE.finditer(text):
        if not _DATE_START.match(m.group(0)):
            take("phone", m.start(), m.end())
    for m in _BSN.finditer(text):
        if bsn_elfproef(re.sub(r"\D", "", m.group(0))):
            take("bsn", m.start(), m.end())
    return found


def find_personal_data(text: str | None) -> list[tuple[str, str]]:
    """What :func:`scrub_text` would remove, as ``(kind, text)`` in text order.

    Kinds: ``email``, ``url``, ``iban``, ``postcode``, ``phone``, ``bsn``.
    """
    if not isinstance(text, str) or not text:
        return []
    return [(k, text[a:b]) for k, a, b in sorted(_findings(text), key=lambda f: f[1])]


def scrub_text(text: str | None, *, replacement: str = REPLACEMENT) -> str | None:
    """Replace phone numbers, e-mail and web addresses, BSNs, IBANs and
    postcode + house number in ``text`` by ``[verwijderd]``.

    ``None`` (and any non-text value such as ``pd.NA``) is returned unchanged.
    See the module docstring for what is and is not caught.

    >>> scrub_text("Bel me op 06-12345678 of mail jan@example.nl, cijfer 7")
    'Bel me op [verwijderd] of mail [verwijderd], cijfer 7'
    """
    if not isinstance(text, str) or not text:
        return text
    spans = sorted(_findings(text), key=lambda f: f[1])
    if not spans:
        return text
    parts, pos = [], 0
    for _, a, b in spans:
        parts.append(text[pos:a])
        parts.append(replacement)
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def scrub_frame(df: pd.DataFrame, columns: Iterable[str] = contract.COMMENT_COLUMNS) -> pd.DataFrame:
    """A copy of ``df`` with :func:`scrub_text` applied to the free-text columns present.

    Missing values stay missing; the dtype of each column is kept.
    """
    out = df.copy()
    for c in columns:
        if c in out.columns:
            s = out[c]
            out[c] = s.map(scrub_text, na_action="ignore").astype(s.dtype)
    return out
