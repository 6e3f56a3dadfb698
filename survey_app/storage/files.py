"""The files of the embedded SQLite database: permissions, whose file it is, errors that name it.

* The data folder is created ``0700`` and the database file ``0600`` before
  SQLite opens it; SQLite gives its ``-wal`` and ``-shm`` files the mode of
  the database file, so they are ``0600`` too.  Existing files of ours that
  are readable by others are tightened to ``0600``.
* A file that holds tables but no schema version of this app (no
  ``alembic_version`` table, or a revision this app does not know) belongs
  to another application: it is refused before anything is written to it
  (it is inspected through a read-only connection; the ``PRAGMA
  journal_mode = WAL`` of our own connections would already change it).
* SQLite's "unable to open database file", "database disk image is
  malformed", "file is not a database" and "attempt to write a readonly
  database" become a :class:`DatabaseFileError` that names the file.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from alembic.config import Config
from alembic.script import ScriptDirectory

from .errors import DatabaseFileError, StorageError

log = logging.getLogger(__name__)

#: files SQLite keeps next to the database
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) as a folder; a folder made here gets mode 0700."""
    path = Path(path)
    if path.is_dir():
        return path
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask; 0700 needs no more
    except FileExistsError as exc:
        raise StorageError(f"{path}: cannot make the data folder: a file has that name") from exc
    except OSError as exc:
        raise StorageError(f"{path}: cannot make the data folder ({exc.strerror or exc})") from exc
    return path


def _tighten(path: Path) -> None:
    """Mode 0600 for a file of ours that others may read (never for someone else's file)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if st.st_mode & 0o077 and st.st_uid == os.geteuid() and stat.S_ISREG(st.st_mode):
        try:
            os.chmod(path, 0o600)
            log.warning("%s was readable by other users; its mode is now 0600", path)
        except OSError:  # pragma: no cover - e.g. a read-only file system
            pass


@functools.lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    """Every Alembic revision id of this app's migrations."""
    # here, not at the top: .engine imports this module (circular)
    from .engine import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    return frozenset(s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions())


def sqlite_error(exc: BaseException, path: Path | None) -> DatabaseFileError | None:
    """A :class:`DatabaseFileError` naming ``path`` for the SQLite errors about the file itself, else None."""
    msg = str(getattr(exc, "orig", None) or exc)
    low = msg.lower()
    where = str(path) if path is not None else "the database"
    if "unable to open database file" in low:
        text = (
            f"{where}: the database file cannot be opened ({msg}); check that its folder exists and that "
            "this user may read and write the file and the folder"
        )
    elif "malformed" in low or "file is not a database" in low:
        text = f"{where}: the database file is damaged or not a database ({msg}); restore it from a backup"
    elif "readonly database" in low or "read-only" in low:
        text = (
            f"{where}: the database file is read-only for this user ({msg}); the file and its folder "
            "must be writable (the -wal and -shm files are made next to it)"
        )
    elif "disk i/o error" in low:
        text = f"{where}: the disk could not read or write the database file ({msg})"
    else:
        return None
    return DatabaseFileError(text, path=path)


def prepare_sqlite_file(path: Path) -> None:
    """Ready ``path`` for this app, or refuse it (before any of our connections touches it).

    Makes the folder (0700) and an empty database file (0600) when missing;
    tightens our own files to 0600; refuses a folder, a file that is not an
    SQLite database and a database of another application
    (:class:`DatabaseFileError` naming the file; nothing is written).
    """
    path = Path(path)
    private_dir(path.parent)
    if path.is_dir():
        raise DatabaseFileError(
            f"{path}: the database file cannot be opened (unable to open database file): it is a folder",
            path=path,
        )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseFileError(
            f"{path}: the database file cannot be made (unable to open database file: {exc.strerror or exc})",
            path=path,
        ) from exc
    else:
        os.close(fd)
        return
    if path.stat().st_size > 0:
        _refuse_foreign(path)  # before anything of ours changes the file, its mode included
    for p in (path, *(path.with_name(path.name + s) for s in COMPANION_SUFFIXES)):
        _tighten(p)


def _refuse_foreign(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise sqlite_error(exc, path) or DatabaseFileError(f"{path}: {exc}", path=path) from exc
    try:
        tables = sorted(
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        )
        versions = (
            [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
            if "alembic_version" in tables
            else None
        )
    except sqlite3.Error as exc:
        raise sqlite_error(exc, path) or DatabaseFileError(f"{path}: {exc}", path=path) from exc
    finally:
        conn.close()
    if not tables:
        return
    shown = ", ".join(tables[:8]) + (", ..." if len(tables) > 8 else "")
    if versions is None:
        raise DatabaseFileError(
            f"{path} belongs to another application: it holds tables ({shown}) but no schema version of "
            "this app. Nothing was written to it. Point SURVEY_DATA_DIR or SURVEY_DATABASE_URL at a new file.",
            path=path,
        )
    unknown = [v for v in versions if v not in known_revisions()]
    if unknown:
        raise DatabaseFileError(
            f"{path} has schema version {', '.join(unknown)}, which this app does not know: it belongs to "
            "another application or to a newer version of this app. Nothing was written to it.",
            path=path,
        )


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")
