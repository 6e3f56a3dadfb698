"""Administrative writes with their audit entries: rounds and imports (CLI and staff server alike).

Who may call them is decided before (the staff server by role, see
:mod:`survey_app.auth.roles` and :class:`survey_app.dashboard.rounds.RoundsAccess`;
the command line is for whoever holds the database).  Each call writes who
did what to the audit log, after the write succeeded.

Rounds (issue 11): create, dates per institution, national figures,
languages, close, reopen, archive, batches of access codes or open-link
letters, and letters and reminders made or downloaded.  The audit entry says
how many and for which institution and respondent type; never a code.

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


def _day(d) -> str:
    return d.isoformat() if d is not None else "-"


def setup_round(storage, *, actor: str, **kwargs):
    """:meth:`Storage.setup_round` (the Rondes page: dates per institution, languages), audited."""
    info = storage.setup_round(**kwargs)
    windows = ", ".join(f"{w.gi} {_day(w.opens)}..{_day(w.closes)}" for w in storage.institution_windows(info.id))
    audit(
        storage,
        actor,
        "round_create",
        info.id,
        f"name={info.name!r} access={info.access} types={','.join(info.respondent_types)} "
        f"languages={','.join(info.languages)} dates: {windows}",
    )
    return info


def set_institution_dates(storage, round_id: str, dates, *, actor: str, today=None):
    """:meth:`Storage.set_institution_dates` (``{gi: (opens, closes)}``), audited with the old and new dates."""
    before = {w.gi: w for w in storage.institution_windows(round_id)}
    info = storage.set_institution_dates(round_id, dates, today=today)
    after = {w.gi: w for w in storage.institution_windows(round_id)}
    changes = [
        f"{gi} {_day(before[gi].opens)}..{_day(before[gi].closes)} -> {_day(after[gi].opens)}..{_day(after[gi].closes)}"
        for gi in dates
        if gi in after
    ]
    audit(storage, actor, "round_dates", round_id, "; ".join(changes))
    return info


def set_national(storage, round_id: str, gi: str, national: bool, *, actor: str) -> None:
    """:meth:`Storage.set_national`, audited."""
    storage.set_national(round_id, gi, national)
    audit(storage, actor, "round_national", round_id, f"{gi} national={'yes' if national else 'no'}")


def set_languages(storage, round_id: str, languages, *, actor: str):
    """:meth:`Storage.set_languages`, audited."""
    info = storage.set_languages(round_id, languages)
    audit(storage, actor, "round_languages", round_id, f"languages={','.join(info.languages)}")
    return info


def set_easy_read(storage, round_id: str, offered: bool, *, actor: str):
    """:meth:`Storage.set_easy_read` (the round offers the easy-read version or not), audited."""
    info = storage.set_easy_read(round_id, offered)
    audit(storage, actor, "round_easy_read", round_id, f"easy_read={'on' if info.easy_read else 'off'}")
    return info


def close_round(storage, round_id: str, *, actor: str):
    info = storage.close_round(round_id)
    audit(storage, actor, "round_close", round_id)
    return info


def reopen_round(storage, round_id: str, *, actor: str, closes=None, today=None):
    """:meth:`Storage.reopen_round`, audited with the new closing day."""
    info = storage.reopen_round(round_id, closes=closes, today=today)
    audit(storage, actor, "round_reopen", round_id, f"closes={_day(info.closes)}")
    return info


def archive_round(storage, round_id: str, archived: bool = True, *, actor: str):
    """:meth:`Storage.archive_round` (into the archive or out of it), audited."""
    info = storage.archive_round(round_id, archived)
    audit(storage, actor, "round_archive" if archived else "round_unarchive", round_id)
    return info


def add_codes(storage, round_id: str, n: int, *, actor: str) -> list[str]:
    codes = storage.add_codes(round_id, n)
    audit(storage, actor, "round_codes", round_id, f"{len(codes)} codes")
    return codes


def issue_codes(storage, round_id: str, gi: str, respondent_type: str, n: int, *, actor: str, today=None) -> list[str]:
    """:meth:`Storage.issue_codes`: a batch of codes for the letters of one group; audited (how many, never the codes)."""
    codes = storage.issue_codes(round_id, gi, respondent_type, n, today=today)
    audit(storage, actor, "round_codes", round_id, f"{len(codes)} codes for {gi}/{respondent_type}")
    return codes


def record_invitations(storage, round_id: str, gi: str, respondent_type: str, n: int, *, actor: str, today=None):
    """:meth:`Storage.record_invitations` (open-link letters of one group), audited."""
    n = storage.record_invitations(round_id, gi, respondent_type, n, today=today)
    audit(storage, actor, "round_invitations", round_id, f"{n} open-link letters for {gi}/{respondent_type}")
    return n


def letters_summary(letters) -> str:
    """'12 letters: JBG/ouder 6, JBN/ouder 6' -- how many per group, never a code."""
    from collections import Counter

    per = Counter((x.gi, x.respondent_type) for x in letters)
    word = "letter" if len(letters) == 1 else "letters"
    return f"{len(letters)} {word}: " + ", ".join(f"{gi}/{rt} {n}" for (gi, rt), n in per.items())


def letters_made(storage, round_id: str, letters, *, actor: str, reminder: bool = False) -> None:
    """Letters (or reminders) were made from the codes of this session: audited, counts only."""
    audit(storage, actor, "reminders_made" if reminder else "letters_made", round_id, letters_summary(letters))


def letters_downloaded(storage, round_id: str, letters, fmt: str, *, actor: str, reminder: bool = False) -> None:
    """A file of letters (pdf, docx, csv) was downloaded: audited, counts only."""
    action = "reminders_download" if reminder else "letters_download"
    audit(storage, actor, action, round_id, f"{fmt}: {letters_summary(letters)}")


def export_responses(storage, *, round_id: str, path, format: str | None, actor: str):
    out = storage.export_responses(round_id=round_id, path=path, format=format)
    audit(storage, actor, "export", round_id, f"responses as {format or out.suffix.lstrip('.')}")
    return out
