"""Access codes: generation, normalisation, keyed hashing and the server secret.

An access code is shown to the organiser once (printed on a letter, handed to a
client) and stored only as a keyed hash, so a copy of the database does not hold
usable codes.

* 10 characters from a 25-character alphabet without look-alikes (no 0/O, 1/I/L,
  2/Z, 5/S, 8/B): 25**10 ~ 2**46.4, so at least 46 bits of randomness from
  :mod:`secrets`.
* Shown in two groups of five: ``XXXXX-XXXXX``.  Input is normalised by
  :func:`normalize_code` (the one normaliser, also used by the respondent
  flow): case, spaces, dashes, dots and underscores do not matter.
* Stored as ``HMAC-SHA256(secret key, normalised code)`` (hex).
* The database records the key's fingerprint (:func:`key_fingerprint`, an
  HMAC of a fixed label, never the key) when the first codes are made; a
  Storage that starts with a missing or different key while codes exist
  stops with an error naming where the key is expected
  (:class:`~survey_app.storage.errors.SecretKeyMismatch`), and a missing key
  file is never made again while codes exist.

The secret key (see :func:`load_secret_key`) comes from, in order:

1. the environment variable ``SURVEY_SECRET_KEY`` (at least 16 characters);
2. the file named by ``SURVEY_SECRET_KEY_FILE``;
3. the key file ``secret.key`` next to the SQLite database (for the default
   database that is ``$SURVEY_DATA_DIR/secret.key``), generated once with 32
   random bytes and permissions 0600, and only while the database holds no
   codes.  PostgreSQL never generates a key: several
   app servers would each make their own; there the key must come from 1. or 2.,
   or an existing ``$SURVEY_DATA_DIR/secret.key``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
from pathlib import Path

from .files import private_dir

#: No look-alikes: 0 O, 1 I L, 2 Z, 5 S, 8 B are left out (25 characters).
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 10
GROUP = 5
#: bits of randomness in one code (log2(len(ALPHABET)) * CODE_LENGTH)
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))
MIN_KEY_LENGTH = 16
KEY_FILE_NAME = "secret.key"

_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


class SecretKeyError(RuntimeError):
    """No usable server secret for hashing access codes."""


def generate_code() -> str:
    """A new random access code formatted ``XXXXX-XXXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def generate_codes(n: int) -> list[str]:
    """``n`` distinct random access codes."""
    if n < 0:
        raise ValueError("n must be >= 0")
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        c = generate_code()
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def format_code(code: str) -> str:
    """Group a normalised code as ``XXXXX-XXXXX``."""
    c = normalize_code(code) or code
    return "-".join(c[i : i + GROUP] for i in range(0, len(c), GROUP))


def normalize_code(code: object) -> str | None:
    """The one normaliser of an access code, as typed, linked or stored.

    Upper case, without spaces, dashes, dots or underscores (``" acdef-ghjkm "``
    -> ``"ACDEFGHJKM"``).  ``None`` when nothing is left or ``code`` is not text.
    Whether the result can be a code at all is :func:`is_code`; the respondent
    flow keeps a wrong code so that it can say "this code is not correct".

    >>> normalize_code(" acd ef_gh.jk-m ")
    'ACDEFGHJKM'
    >>> normalize_code("  ") is None
    True
    """
    if not isinstance(code, str):
        return None
    return _SEPARATORS.sub("", code).upper() or None


def is_code(code: object) -> bool:
    """True when ``code`` normalises to a possible access code (10 characters of :data:`ALPHABET`)."""
    c = normalize_code(code)
    return c is not None and _VALID.match(c) is not None


def hash_code(code: str, key: bytes) -> str:
    """Keyed hash (HMAC-SHA256, hex) of the normalised code; raises ValueError for a non-code."""
    c = normalize_code(code)
    if c is None or not is_code(c):
        raise ValueError("not an access code")
    return hmac.new(key, c.encode("ascii"), hashlib.sha256).hexdigest()


def hash_token(token: str) -> str:
    """SHA-256 (hex) of a submission token; the raw token is never stored."""
    if not isinstance(token, str) or not token.strip():
        raise ValueError("a submission token is a non-empty string")
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


#: what :func:`key_fingerprint` hashes (a fixed label: the fingerprint reveals nothing of the key)
FINGERPRINT_LABEL = b"gi-survey: fingerprint of the access-code key, v1"


def key_fingerprint(key: bytes) -> str:
    """``HMAC-SHA256(key, FINGERPRINT_LABEL)`` in hex: tells keys apart without storing them."""
    return hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def key_source(key_file: Path | None) -> str:
    """Where :func:`load_secret_key` takes the key from, in words (for error messages)."""
    if os.environ.get("SURVEY_SECRET_KEY"):
        return "the environment variable SURVEY_SECRET_KEY"
    env_file = os.environ.get("SURVEY_SECRET_KEY_FILE")
    if env_file:
        return f"the key file {env_file} (SURVEY_SECRET_KEY_FILE)"
    if key_file is not None:
        return f"the key file {key_file} (or SURVEY_SECRET_KEY / SURVEY_SECRET_KEY_FILE)"
    return "SURVEY_SECRET_KEY or SURVEY_SECRET_KEY_FILE"


def _read_key_file(path: Path) -> bytes:
    data = path.read_bytes().strip()
    if len(data) < MIN_KEY_LENGTH:
        raise SecretKeyError(f"{path}: the secret key is shorter than {MIN_KEY_LENGTH} bytes")
    return data


def _create_key_file(path: Path) -> bytes:
    private_dir(path.parent)
    key = secrets.token_hex(32).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return _read_key_file(path)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o600)
    return key


def load_secret_key(*, key_file: Path | None, create: bool) -> bytes:
    """The server secret (see the module docstring for where it comes from).

    ``key_file`` is the default key file location; ``create`` allows generating
    it (SQLite) when it does not exist yet.  Raises :class:`SecretKeyError`.
    """
    env = os.environ.get("SURVEY_SECRET_KEY")
    if env:
        if len(env.encode("utf-8")) < MIN_KEY_LENGTH:
            raise SecretKeyError(f"SURVEY_SECRET_KEY must be at least {MIN_KEY_LENGTH} characters")
        return env.encode("utf-8")
    env_file = os.environ.get("SURVEY_SECRET_KEY_FILE")
    if env_file:
        p = Path(env_file)
        if not p.exists():
            raise SecretKeyError(f"SURVEY_SECRET_KEY_FILE={env_file} does not exist")
        return _read_key_file(p)
    if key_file is not None:
        if key_file.exists():
            return _read_key_file(key_file)
        if create:
            return _create_key_file(key_file)
    raise SecretKeyError(
        "Geen geheime sleutel voor toegangscodes: zet SURVEY_SECRET_KEY of SURVEY_SECRET_KEY_FILE. / "
        "No secret key for access codes: set SURVEY_SECRET_KEY or SURVEY_SECRET_KEY_FILE."
    )
