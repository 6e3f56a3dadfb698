"""Keys and files (issue 8 item 7): the access-code key is never silently replaced, the
data folder and database are private, another application's SQLite file is refused
untouched, and errors about the database file name it."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import sqlite3
import stat

import pytest
import sqlalchemy as sa
from db_fixtures import TEST_SECRET

from survey_app.cli import main as cli_main
from survey_app.storage import DatabaseFileError, SecretKeyMismatch, Storage, codes
from survey_app.storage.files import known_revisions

OTHER_SECRET = "another-secret-key-of-32-characters"


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def key_from_files(tmp_path, monkeypatch):
    """The default set-up: no key in the environment, SQLite in SURVEY_DATA_DIR with secret.key beside it."""
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY_FILE", raising=False)
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("SURVEY_DATA_DIR", str(data))
    return data


def _codes_round(s: Storage):
    info, codes_ = s.create_round(name="c", gis=["JBG"], access="codes", n_codes=2)
    return info, codes_


# --------------------------------------------------------------------------- the key


def test_storage_key_swap_refused_at_start(db_url, make_storage, monkeypatch):
    s1 = make_storage()
    info, (code, _) = _codes_round(s1)
    s1.dispose()
    monkeypatch.setenv("SURVEY_SECRET_KEY", OTHER_SECRET)
    with pytest.raises(SecretKeyMismatch) as exc:
        Storage(db_url)
    assert "the environment variable SURVEY_SECRET_KEY" in str(exc.value)
    assert "not the key the access codes" in str(exc.value)
    monkeypatch.setenv("SURVEY_SECRET_KEY", TEST_SECRET)
    s2 = make_storage(secret_key=None)  # the original key: everything works again
    assert s2.check_code(info.id, code) == "valid"


def test_storage_missing_key_file_is_refused_not_regenerated(key_from_files):
    s = Storage()
    info, (code, _) = _codes_round(s)
    s.dispose()
    key_file = key_from_files / "secret.key"
    saved = key_file.read_bytes()
    key_file.unlink()  # the lost secret.key of the issue
    with pytest.raises(SecretKeyMismatch) as exc:
        Storage()
    assert str(key_file) in str(exc.value) and "missing" in str(exc.value)
    assert "ontbreekt" in str(exc.value)
    assert not key_file.exists()  # not made again
    # the command line says the same and exits 1
    assert cli_main(["round", "list"]) == 1
    assert not key_file.exists()
    key_file.write_bytes(saved)  # put back from a backup: the printed codes work
    s = Storage()
    try:
        assert s.check_code(info.id, code) == "valid"
    finally:
        s.dispose()


def test_storage_swapped_key_file_is_refused(key_from_files, capsys):
    s = Storage()
    info, _ = _codes_round(s)
    s.dispose()
    key_file = key_from_files / "secret.key"
    key_file.write_text("0123456789abcdef" * 4 + "\n")
    with pytest.raises(SecretKeyMismatch, match=str(key_file)):
        Storage()
    assert cli_main(["round", "list"]) == 1
    assert str(key_file) in capsys.readouterr().err


def test_storage_key_file_made_only_while_there_are_no_codes(key_from_files):
    s = Storage()
    s.create_round(name="open", gis=["JBG"])
    s.dispose()
    key_file = key_from_files / "secret.key"
    assert not key_file.exists()  # open rounds need no key
    s = Storage()
    try:
        _codes_round(s)
        assert key_file.exists() and _mode(key_file) == 0o600
    finally:
        s.dispose()


def test_storage_records_only_a_fingerprint_of_the_key(storage):
    _codes_round(storage)
    with storage.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT key, value FROM app_meta").all()
    expected = hmac.new(TEST_SECRET.encode(), codes.FINGERPRINT_LABEL, hashlib.sha256).hexdigest()
    assert [tuple(r) for r in rows] == [("code_key_fingerprint", expected)]
    assert TEST_SECRET not in expected and codes.key_fingerprint(TEST_SECRET.encode()) == expected
    if storage._sqlite_path is not None:
        storage.dispose()
        assert TEST_SECRET.encode() not in storage._sqlite_path.read_bytes()


def test_storage_codes_without_fingerprint_get_one_from_the_current_key(make_storage):
    s1 = make_storage()
    info, (code, _) = _codes_round(s1)
    with s1.engine.begin() as conn:  # as made before fingerprints were kept
        conn.exec_driver_sql("DELETE FROM app_meta")
    s1.dispose()
    s2 = make_storage()
    with s2.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM app_meta").scalar() == 1
    with pytest.raises(SecretKeyMismatch):
        make_storage(secret_key=OTHER_SECRET)


# --------------------------------------------------------------------------- permissions


def test_storage_data_folder_0700_database_and_key_0600(key_from_files):
    old = os.umask(0o022)
    try:
        s = Storage()
        try:
            _codes_round(s)
            db = key_from_files / "survey.sqlite"
            with s.engine.connect() as conn:  # an open connection keeps -wal and -shm
                conn.exec_driver_sql("SELECT count(*) FROM rounds").scalar()
                assert _mode(key_from_files) == 0o700
                for p in (db, db.with_name("survey.sqlite-wal"), db.with_name("survey.sqlite-shm")):
                    assert p.exists() and _mode(p) == 0o600, p
                assert _mode(key_from_files / "secret.key") == 0o600
        finally:
            s.dispose()
    finally:
        os.umask(old)


def test_storage_existing_database_readable_by_others_is_tightened(tmp_path, survey_env):
    db = tmp_path / "db" / "survey.sqlite"
    Storage(f"sqlite:///{db}", secret_key=TEST_SECRET).dispose()
    os.chmod(db, 0o644)
    Storage(f"sqlite:///{db}", secret_key=TEST_SECRET).dispose()
    assert _mode(db) == 0o600


# --------------------------------------------------------------------------- other files


def _foreign_file(path, *, alembic_revision=None):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO patients (name) VALUES ('Jansen')")
    if alembic_revision:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (alembic_revision,))
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("revision", [None, "a1b2c3d4e5f6"])
def test_storage_foreign_sqlite_file_refused_untouched(tmp_path, survey_env, revision, capsys, monkeypatch):
    path = _foreign_file(tmp_path / "ander.sqlite", alembic_revision=revision)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns, _mode(path))
    with pytest.raises(DatabaseFileError) as exc:
        Storage(f"sqlite:///{path}")
    assert str(path) in str(exc.value) and exc.value.path == path
    if revision is None:
        assert "belongs to another application" in str(exc.value) and "patients" in str(exc.value)
    else:
        assert "a1b2c3d4e5f6" in str(exc.value)
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{path}")
    assert cli_main(["round", "list"]) == 1
    assert str(path) in capsys.readouterr().err
    assert (path.read_bytes(), os.stat(path).st_mtime_ns, _mode(path)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ander.sqlite"]  # no -wal, -shm or journal


def test_storage_known_revisions_are_this_apps_migrations():
    assert {"0001_initial", "0003_app_meta"} <= known_revisions()


def test_storage_file_that_is_not_a_database_is_named(tmp_path, survey_env):
    path = tmp_path / "kapot.sqlite"
    path.write_bytes(b"dit is geen database " * 500)
    with pytest.raises(DatabaseFileError, match=str(path)) as exc:
        Storage(f"sqlite:///{path}")
    assert "not a database" in str(exc.value)


def test_storage_malformed_database_is_named(tmp_path, survey_env):
    path = tmp_path / "db" / "survey.sqlite"
    s = Storage(f"sqlite:///{path}", secret_key=TEST_SECRET)
    for i in range(30):
        s.create_round(name=f"ronde {i} " + "x" * 150, gis=["JBG"])
    s.dispose()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[page:] = b"\xa5" * (len(data) - page)  # every page but the first (header and schema) destroyed
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseFileError, match=str(path)) as exc:
        Storage(f"sqlite:///{path}", secret_key=TEST_SECRET)
    assert "damaged" in str(exc.value) and "malformed" in str(exc.value)


def test_storage_folder_as_database_is_named(tmp_path, survey_env):
    path = tmp_path / "map.sqlite"
    path.mkdir()
    with pytest.raises(DatabaseFileError, match="unable to open database file") as exc:
        Storage(f"sqlite:///{path}")
    assert str(path) in str(exc.value)


def test_storage_unable_to_open_while_running_names_the_file(tmp_path, survey_env):
    path = tmp_path / "db" / "survey.sqlite"
    s = Storage(f"sqlite:///{path}", secret_key=TEST_SECRET)
    s.dispose()
    shutil.rmtree(path.parent)  # the data folder disappears under a running app
    with pytest.raises(DatabaseFileError, match="unable to open database file") as exc:
        s.count_responses()
    assert str(path) in str(exc.value) and exc.value.path == path


def test_storage_read_only_database_is_named(tmp_path, survey_env):
    path = tmp_path / "db" / "survey.sqlite"
    s = Storage(f"sqlite:///{path}", secret_key=TEST_SECRET)
    s.dispose()

    @sa.event.listens_for(s.engine, "connect")
    def _read_only(dbapi_conn, _record):  # what SQLite does for a file this user may not write
        dbapi_conn.execute("PRAGMA query_only = 1")

    with pytest.raises(DatabaseFileError, match="read-only") as exc:
        s.create_round(name="r", gis=["JBG"])
    assert str(path) in str(exc.value) and "readonly database" in str(exc.value)
    s.dispose()
