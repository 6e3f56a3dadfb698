"""Administrative writes with their audit entries: rounds and imports (CLI and staff server alike).

Who may call them is decided before (the staff server by role, see
:mod:`survey_app.auth.roles`; the command line is for whoever holds the
database).  Each call writes who did what to the audit log.

An import into a round that has received answers needs ``confirm`` equal to
the round's name (case and surrounding spaces do not matter): extra rows
change the figures of the answers already there, and known rows added to a
small group could be taken away again to read off the others' answers.
"""

from __future__ import annotations

from survey_app.storage import ImportRejected, StorageError

from .accounts import audit


class ConfirmationNeeded(StorageError):
    """The round has answers: the import needs the round's name as confirmation."""

    def __init__(self, round_id: str, name: str, n_responses: int):
        self.round_id, self.name, self.n_responses = round_id, name, n_responses
        super().__init__(
            f"round '{round_id}' ({name}) already has {n_responses} responses; "
            f"confirm the import with the round's name: {name!r}"
        )


def confirms(name: str, typed: str | None) -> bool:
    """Does ``typed`` name the round ``name``?"""
    return isinstance(typed, str) and typed.strip().casefold() == name.strip().casefold() != ""


def import_responses(storage, data, *, round_id: str, actor: str, file: str | None = None, confirm: str | None = None):
    """:meth:`Storage.import_responses`, refused into a round with answers unless ``confirm`` names it."""
    info = storage.get_round(round_id)
    n = storage.count_responses(round_id)
    if n > 0 and not confirms(info.name, confirm):
        audit(storage, actor, "import_refused", round_id, f"{n} responses in the round; not confirmed")
        raise ConfirmationNeeded(round_id, info.name, n)
    try:
        rows = storage.import_responses(data, round_id=round_id, file=file)
    except ImportRejected as exc:
        audit(storage, actor, "import_refused", round_id, f"{file or 'data'}: {exc.report.n_errors} error(s)")
        raise
    audit(storage, actor, "import", round_id, f"{rows} rows from {file or 'data'}" + (" (confirmed)" if n else ""))
    return rows


def import_prepared(
    storage, prepared, *, round_id: str, actor: str, file: str | None = None, confirm: str | None = None
):
    """:meth:`Storage.insert_prepared` (a checked :class:`analysis.pipeline.PreparedImport`), audited;
    refused into a round with answers unless ``confirm`` names it."""
    info = storage.get_round(round_id)
    n = storage.count_responses(round_id)
    if n > 0 and not confirms(info.name, confirm):
        audit(storage, actor, "import_refused", round_id, f"{n} responses in the round; not confirmed")
        raise ConfirmationNeeded(round_id, info.name, n)
    try:
        rows = storage.insert_prepared(prepared)
    except ImportRejected as exc:
        audit(storage, actor, "import_refused", round_id, f"{file or 'data'}: {exc.report.n_errors} error(s)")
        raise
    audit(storage, actor, "import", round_id, f"{rows} rows from {file or 'data'}" + (" (confirmed)" if n else ""))
    return rows


def create_round(storage, *, actor: str, **kwargs):
    """:meth:`Storage.create_round`, audited (never the codes)."""
    info, codes = storage.create_round(**kwargs)
    audit(
        storage,
        actor,
        "round_create",
        info.id,
        f"name={info.name!r} access={info.access} gis={','.join(info.gis)} codes={len(codes)}",
    )
    return info, codes


def close_round(storage, round_id: str, *, actor: str):
    info = storage.close_round(round_id)
    audit(storage, actor, "round_close", round_id)
    return info


def add_codes(storage, round_id: str, n: int, *, actor: str) -> list[str]:
    codes = storage.add_codes(round_id, n)
    audit(storage, actor, "round_codes", round_id, f"{len(codes)} codes")
    return codes


def export_responses(storage, *, round_id: str, path, format: str | None, actor: str):
    out = storage.export_responses(round_id=round_id, path=path, format=format)
    audit(storage, actor, "export", round_id, f"responses as {format or out.suffix.lstrip('.')}")
    return out
