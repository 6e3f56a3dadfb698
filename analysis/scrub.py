"""Remove contact and identity details from free-text answers.

:func:`scrub_text` does two things, in this order:

1. **Rules** (regular expressions, below) replace contact details by
   ``[verwijderd]``;
2. **deduce** (Menger et al. 2018, "DEDUCE: A pattern matching method for
   automatic de-identification of Dutch medical text", Telematics and
   Informatics 35(4); the package ``deduce`` on PyPI) replaces names,
   places, street addresses, institutions, dates and ages by placeholders:
   "Mijn werker heet Jan de Vries" -> "Mijn werker heet [PERSOON-1]",
   "Utrecht" -> "[LOCATIE-1]", "15 jaar" -> "[LEEFTIJD-1] jaar",
   "01-02-2024" -> "[DATUM-1]".

Before both, the text is normalised so that look-alike characters do not
hide a detail: Unicode NFKC (full-width digits ``０６１２…`` become ``0612…``),
every dash (en dash, em dash, minus sign, ...) becomes ``-`` and zero-width
characters are dropped.  A text in which nothing is found is returned as it
was; a scrubbed text is returned normalised.

:func:`scrub_frame` does that for ``comment_grade`` and ``comment_improve``;
:func:`find_personal_data` lists what would be replaced (kind and text).

deduce builds lookup tables (names, places, streets) once, about two minutes,
and keeps them in its package folder in the virtual environment
(``make install`` builds them: :func:`build_deidentifier`); loading them
takes about 15 to 30 s, once per process, the first time a text is scrubbed
(:func:`deidentifier`, a module-level cache).  ``scrub_text`` keeps the last
results (``functools.lru_cache``), so a page that shows the same comments
again does not scrub them again.

What the rules catch (in this order, so that a later pattern never sees the
text an earlier one removed):

``email``
    ``naam@example.nl``, ``voor.naam+x@sub.example.com``, and written out:
    ``jan (at) gmail``, ``jan [at] gmail [dot] com``, ``jan at hotmail dot
    com`` (a bare "at" only before a known mail provider).
``url``
    ``http://`` and ``https://`` addresses, anything starting with ``www.``,
    and bare domains: ``example.nl/pad`` (any common top-level domain
    followed by a path) and ``example.nl`` / ``.com`` / ``.org`` / ``.net`` /
    ``.eu`` / ``.be`` without a path.
``handle``
    Social media handles: ``@jansen_2009``.
``iban``
    Dutch IBANs (``NL91ABNA0417164300``, also in groups of four with spaces
    and in lower case) always; other countries' IBANs when the ISO 13616
    mod-97 check holds.
``postcode``
    A Dutch postcode, alone or with a house number: ``1234 AB``,
    ``1234 AB 12``, ``1234AB 12a``, ``1234 AB 12-3``, ``3511 AB, nr 12``;
    letters in capitals, or lower case written against the digits
    (``1234ab 12``).
``phone``
    Dutch numbers of ten digits starting with 0, or +31 / 0031 followed by
    nine digits, with up to three spaces, dots, dashes or slashes (or
    brackets) between any two digits: ``06-12345678``, ``06 1234 5678``,
    ``06 - 1234 5678``, ``0 6 1 2 3 4 5 6 7 8``, ``06–12345678`` (en dash),
    ``+31 6 12345678``, ``+31 (0)6 12345678``, ``0031 6 12345678``,
    ``020-1234567``, ``(020) 123 4567``, ``０６１２３４５６７８``.
``bsn``
    Nine digits, also written 3-3-3 with dots or spaces (``123.456.782``,
    ``123 456 782``), that pass the BSN eleven test
    (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11).  Nine digits that fail
    the test are left alone.

Not caught (read free text before publishing it): names and places that
deduce does not know or that look like ordinary words, case or client
numbers, licence plates, 8-digit BSNs, phone numbers written as words or
split over lines, foreign phone numbers, e-mail addresses written in other
ways ("jan bij gmail"), bare domains with other endings (``zorg.info``
without a path) and any detail given in other words ("mijn buurvrouw die
bij de bakker werkt").  Ordinary numbers such as a grade ("7"), a year
("2024") or an amount ("1.500") are kept.
"""

from __future__ import annotations

import fcntl
import functools
import gc
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable

import pandas as pd

from . import contract

REPLACEMENT = "[verwijderd]"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
#: "jan (at) gmail", "jan [at] gmail [dot] com", "jan at hotmail dot com"
_MAIL_PROVIDERS = (
    "gmail|googlemail|hotmail|outlook|yahoo|icloud|ziggo|kpnmail|kpnplanet|planet|xs4all|msn|protonmail|proton"
)
_DOMAIN_AHEAD = r"(?=[\w-]+(?:\s*[(\[{<]\s*(?:dot|punt|\.)\s*[)\]}>]\s*|\s+(?:dot|punt)\s+|\.)[A-Za-z]{2,})"
_AT = (
    r"(?:\s*[(\[{<]\s*(?:at|apenstaartje|@)\s*[)\]}>]\s*"  # (at) [at] {at} <at> (@)
    rf"|\s+(?:at|apenstaartje|@)\s+(?=(?:{_MAIL_PROVIDERS})\b)"  # jan at gmail
    rf"|\s*@\s*{_DOMAIN_AHEAD})"  # jan @ gmail.com, jan @gmail dot com
)
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punt|\.)\s*[)\]}>]\s*|\s+(?:dot|punt)\s+|\.)"
_EMAIL_WRITTEN = re.compile(rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[A-Za-z]{{2,}}\b)*", re.IGNORECASE)
#: social media handles: @jansen_2009 (an e-mail address is taken first)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?(?![\w@])")

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
    r"(?<![\w-])[1-9]\d{3}(?: ?[A-Z]{2}|[a-z]{2})(?![A-Za-z])"  # 1234 AB, 1234AB, 1234ab
    r"(?:[ ,]{0,2}(?:(?:nr|no|nummer|huisnummer)\.? ?)?\d{1,5}"  # house number: 12, ", nr 12"
    r"(?:[ -]?[A-Za-z](?![A-Za-z])|-\d{1,4})?"  # 12a, 12 A, 12-3
    r"(?!\d))?"
)

_SEP = r"[ .\-/]{0,3}"
_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00) ?31" + _SEP + r"(?:\(0\)" + _SEP + r")?"  # +31, 0031, optional (0)
    r"|\(0(?=\d{1,3}\))|0" + _SEP + r")"  # or a leading 0; an area code may be in brackets: (020)
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
    for m in _EMAIL_WRITTEN.finditer(text):
        take("email", m.start(), m.end())
    for m in _URL.finditer(text):
        take("url", *_url_end(m))
    for m in _HANDLE.finditer(text):
        take("handle", m.start(), m.end())
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


#: characters that hide a detail: every dash becomes "-", zero-width characters go
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters become plain ones), dashes -> "-", zero-width characters dropped.

    >>> normalize("\uff10\uff16\u2013\uff11\uff12")
    '06-12'
    """
    return unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_INVISIBLE)


# --------------------------------------------------------------------------- deduce

_DEDUCE = None
_DEDUCE_LOCK = threading.RLock()


def deidentifier():
    """The one :class:`deduce.Deduce` of this process, made on first use (loading its tables takes ~15-30 s).

    Thread-safe: Streamlit runs pages in threads; the first caller loads, the others wait.
    """
    global _DEDUCE
    if _DEDUCE is None:
        with _DEDUCE_LOCK:
            if _DEDUCE is None:
                # lazy, measured: importing deduce takes ~1 s and Deduce() 15-30 s and ~1.2 GB (load once, on use)
                from deduce import Deduce

                # one process at a time: the first builds the lookup tables when they are missing
                # (about two minutes, e.g. right after `make run`), the others wait and then load them
                with open(os.path.join(sys.prefix, ".deduce-build.lock"), "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    try:
                        made = Deduce()
                    finally:
                        fcntl.flock(lock, fcntl.LOCK_UN)
                # Its tables are millions of objects that live as long as the process: move them
                # out of the garbage collector's view, else every full collection walks them
                # (Streamlit collects after every run of a page: ~4.5 s per click, measured).
                gc.collect()  # once: what loading left as garbage is freed, not frozen
                gc.freeze()
                _DEDUCE = made
    return _DEDUCE


def build_deidentifier() -> None:
    """Build deduce's lookup tables now (about two minutes) and keep them in its package folder.

    Run once at install (``make install``, ``make run`` and ``make test`` do);
    later loads read the cache.  Deduce rebuilds by itself when its lookup
    lists change (a new deduce version).
    """
    deidentifier()


def _deduce_annotations(text: str) -> list[tuple[str, int, int]]:
    doc = deidentifier().deidentify(text)
    return [(a.tag, a.start_char, a.end_char) for a in doc.annotations]


def _deduce_text(text: str) -> str:
    if not text.strip():
        return text
    with _DEDUCE_LOCK:
        return deidentifier().deidentify(text).deidentified_text


# --------------------------------------------------------------------------- public


def find_personal_data(text: str | None, *, deidentify: bool = True) -> list[tuple[str, str]]:
    """What :func:`scrub_text` would remove, as ``(kind, text)`` in text order (of the normalised text).

    Kinds of the rules: ``email``, ``url``, ``handle``, ``iban``, ``postcode``,
    ``phone``, ``bsn``; with ``deidentify`` also deduce's tags (``persoon``,
    ``locatie``, ``instelling``, ``datum``, ``leeftijd``, ...) for what the
    rules left.
    """
    if not isinstance(text, str) or not text:
        return []
    norm = normalize(text)
    found = _findings(norm)
    if deidentify:
        taken = [False] * len(norm)
        for _, a, b in found:
            taken[a:b] = [True] * (b - a)
        with _DEDUCE_LOCK:
            extra = _deduce_annotations(norm)
        found += [(k, a, b) for k, a, b in extra if not any(taken[a:b])]
    return [(k, norm[a:b]) for k, a, b in sorted(found, key=lambda f: f[1])]


def scrub_text(text: str | None, *, replacement: str = REPLACEMENT, deidentify: bool = True) -> str | None:
    """Replace contact details by ``[verwijderd]`` (the rules) and names, places, addresses,
    institutions, dates and ages by deduce's placeholders (``deidentify``).

    ``None`` (and any non-text value such as ``pd.NA``) is returned unchanged.
    See the module docstring for what is and is not caught.

    >>> scrub_text("Bel me op 06-12345678 of mail jan@example.nl, cijfer 7", deidentify=False)
    'Bel me op [verwijderd] of mail [verwijderd], cijfer 7'
    """
    if not isinstance(text, str) or not text:
        return text
    return _scrub(text, replacement, deidentify)


@functools.lru_cache(maxsize=20_000)
def _scrub(text: str, replacement: str, deidentify: bool) -> str:
    norm = normalize(text)
    spans = sorted(_findings(norm), key=lambda f: f[1])
    out = norm
    if spans:
        parts, pos = [], 0
        for _, a, b in spans:
            parts.append(norm[pos:a])
            parts.append(replacement)
            pos = b
        parts.append(norm[pos:])
        out = "".join(parts)
    if deidentify:
        out = _deduce_text(out)
    return text if out == norm else out


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
