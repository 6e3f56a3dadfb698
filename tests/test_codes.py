"""survey_app.storage.codes: access-code generation, normalisation, keyed hashing and the secret key."""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import stat
from collections import Counter

import pytest

from survey_app.storage import Storage, StorageError, codes

LOOK_ALIKES = set("0O1IL5S2Z8B")


def test_codes_alphabet_has_no_look_alikes():
    assert not LOOK_ALIKES & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 25
    assert codes.ALPHABET == codes.ALPHABET.upper()


def test_codes_have_at_least_40_bits():
    assert codes.CODE_BITS == pytest.approx(codes.CODE_LENGTH * math.log2(len(codes.ALPHABET)))
    assert len(codes.ALPHABET) ** codes.CODE_LENGTH >= 2**40
    assert codes.CODE_BITS > 46


def test_generate_code_format():
    for _ in range(200):
        c = codes.generate_code()
        assert len(c) == 11 and c[5] == "-"
        assert set(c.replace("-", "")) <= set(codes.ALPHABET)


def test_generate_codes_distinct_and_uniform():
    batch = codes.generate_codes(4000)
    assert len(set(batch)) == 4000
    # every alphabet character appears; with 40,000 draws over 25 symbols the expected
    # count is 1,600 (sd ~ 39), so 1,400..1,800 fails only for a broken generator
    counts = Counter("".join(batch).replace("-", ""))
    assert set(counts) == set(codes.ALPHABET)
    assert all(1400 < n < 1800 for n in counts.values()), counts


def test_normalize_code_ignores_case_spaces_dashes():
    assert codes.normalize_code("acdef-ghjkm") == "ACDEFGHJKM"
    assert codes.normalize_code(" ACD EF_GH.JK-M ") == "ACDEFGHJKM"
    assert codes.normalize_code("acdef\tghjkm\n") == "ACDEFGHJKM"
    assert codes.normalize_code(None) is None
    assert codes.normalize_code(12345) is None
    assert codes.normalize_code(" - . _ ") is None  # nothing left


def test_normalize_code_keeps_a_wrong_code_and_is_code_refuses_it():
    # the normaliser keeps what was typed (so the flow can say "this code is not correct");
    # is_code says whether it can be a code at all
    assert codes.normalize_code("ACDEF-GHJK") == "ACDEFGHJK" and not codes.is_code("ACDEF-GHJK")  # too short
    assert not codes.is_code("ACDEF-GHJKMN")  # too long
    assert codes.normalize_code("0cdef-ghjkm") == "0CDEFGHJKM" and not codes.is_code("0CDEF-GHJKM")  # alphabet
    assert codes.is_code(" acdef ghjkm ") and not codes.is_code(None)
    with pytest.raises(ValueError, match="not an access code"):
        codes.hash_code("ACDEF-GHJK", b"k" * 32)


def test_normalize_code_is_the_one_normaliser_of_flow_and_storage():
    from survey_app.respond import flow

    assert flow.normalize_code is codes.normalize_code
    link = flow.parse_link({"ronde": "r", "code": [" acdef.ghjkm "]})
    assert link.code == codes.normalize_code("ACDEF-GHJKM") == "ACDEFGHJKM"
    key = b"k" * 32
    variants = ["ACDEF-GHJKM", "acdefghjkm", " acd-ef ghj_km ", "ACDEF.GHJKM"]
    assert len({codes.hash_code(flow.parse_link({"code": v}).code, key) for v in variants}) == 1
    assert codes.format_code("acdefghjkm") == "ACDEF-GHJKM"


def test_hash_code_is_hmac_sha256_of_normalised_code():
    key = b"k" * 32
    expected = hmac.new(key, b"ACDEFGHJKM", hashlib.sha256).hexdigest()
    assert codes.hash_code("acdef ghjkm", key) == expected
    assert codes.hash_code("ACDEF-GHJKM", b"x" * 32) != expected
    with pytest.raises(ValueError):
        codes.hash_code("nope", key)


def test_hash_token_is_sha256_and_needs_text():
    assert codes.hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
    for bad in ("", "  ", None, 5):
        with pytest.raises(ValueError):
            codes.hash_token(bad)


def test_secret_key_file_created_once_with_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY_FILE", raising=False)
    f = tmp_path / "d" / "secret.key"
    k1 = codes.load_secret_key(key_file=f, create=True)
    assert stat.S_IMODE(os.stat(f).st_mode) == 0o600
    assert len(k1) == 64
    assert codes.load_secret_key(key_file=f, create=True) == k1
    assert codes.load_secret_key(key_file=f, create=False) == k1


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_SECRET_KEY", "an-environment-secret-key")
    assert codes.load_secret_key(key_file=tmp_path / "secret.key", create=True) == b"an-environment-secret-key"
    assert not (tmp_path / "secret.key").exists()
    monkeypatch.setenv("SURVEY_SECRET_KEY", "short")
    with pytest.raises(codes.SecretKeyError, match="at least"):
        codes.load_secret_key(key_file=None, create=False)


def test_secret_key_from_key_file_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    p = tmp_path / "my.key"
    p.write_text("0123456789abcdef0123\n")
    monkeypatch.setenv("SURVEY_SECRET_KEY_FILE", str(p))
    assert codes.load_secret_key(key_file=None, create=False) == b"0123456789abcdef0123"
    monkeypatch.setenv("SURVEY_SECRET_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(codes.SecretKeyError, match="does not exist"):
        codes.load_secret_key(key_file=None, create=False)


def test_secret_key_missing_without_create(monkeypatch, tmp_path):
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY_FILE", raising=False)
    with pytest.raises(codes.SecretKeyError, match="SURVEY_SECRET_KEY"):
        codes.load_secret_key(key_file=tmp_path / "none.key", create=False)


def test_storage_sqlite_keeps_key_file_next_to_database(tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("SURVEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    s = Storage()
    try:
        info, (code,) = s.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
        key_file = tmp_path / "data" / "secret.key"
        assert key_file.exists() and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    finally:
        s.dispose()
    s2 = Storage()  # a restart reads the same key: the code still works
    try:
        assert s2.check_code(info.id, code) == "valid"
    finally:
        s2.dispose()


@pytest.mark.postgres
def test_storage_postgres_needs_a_configured_key(fresh_postgres_url, tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("SURVEY_DATA_DIR", str(tmp_path / "data"))
    s = Storage(fresh_postgres_url)
    try:
        s.create_round(name="open rounds need no key", gis=["JBG"])
        with pytest.raises(StorageError, match="SURVEY_SECRET_KEY"):
            s.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
        assert not (tmp_path / "data" / "secret.key").exists()  # never generated for PostgreSQL
        assert [r.name for r in s.list_rounds()] == ["open rounds need no key"]
    finally:
        s.dispose()
    monkeypatch.setenv("SURVEY_SECRET_KEY", "a-postgres-secret-key-123")
    s = Storage(fresh_postgres_url)
    try:
        info, (code,) = s.create_round(name="c", gis=["JBG"], access="codes", n_codes=1)
        assert s.check_code(info.id, code) == "valid"
    finally:
        s.dispose()
