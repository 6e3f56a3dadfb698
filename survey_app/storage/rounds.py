"""Running a round from the app: dates per institution, languages, close/reopen/archive,
batches of invitation letters and the counts behind the response monitor.

Tables (migration ``0004``)
---------------------------
``round_gis``     round_id, gi, opens, closes, national -- one row per institution
                  of a round once its dates were set from the app; a round without
                  rows uses the round's own dates for every institution.
``code_batches``  batch_id, round_id, gi, respondent_type, kind, n_letters,
                  issued_week -- how many letters (with a code: ``codes``, or with
                  the open link: ``open``) were made per institution and respondent
                  type.  Counts only: a batch holds no code and no hash, so nothing
                  ties a code, and so a response, to a batch.  Codes stay what they
                  were: keyed hashes per round in ``access_codes``.

The round's own ``opens``/``closes`` are kept equal to the earliest opening and
the latest closing day of its institutions, so :meth:`RoundInfo.status` still
says whether any part of the round is open.  Each institution has its own
status (:meth:`RoundsMixin.institution_status`); a response for an institution
outside its own dates is refused like one for a closed round.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from analysis import contract, i18n
from analysis.contract import GI_RE

from . import codes as _codes
from .engine import MAX_NAME_LENGTH
from .errors import RoundNotFound, RoundNotOpen, StorageError
from .importing import _chunks
from .schema import (
    Base,
    RoundInfo,
    _as_date,
    codes_table,
    iso_week,
    responses_table,
    rounds_table,
    tokens_table,
)

#: The languages a round can offer: every language with a catalog (issue 12: adding a language is adding a file).
LANGUAGES = i18n.languages()
BATCH_KINDS = ("codes", "open")
#: most letters in one batch (a print run; more batches can be made)
MAX_BATCH = 5000


class RoundGi(Base):
    """An institution of a round with its own fieldwork dates."""

    __tablename__ = "round_gis"
    __table_args__ = {"sqlite_with_rowid": False}
    round_id: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    gi: Mapped[str] = mapped_column(sa.String(contract.GI_MAX_LENGTH), primary_key=True)
    opens: Mapped[_dt.date | None] = mapped_column(sa.Date)
    closes: Mapped[_dt.date | None] = mapped_column(sa.Date)
    national: Mapped[bool] = mapped_column(sa.Boolean)


class CodeBatch(Base):
    """How many letters were made for one institution and respondent type (counts only)."""

    __tablename__ = "code_batches"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('codes', 'open')", name="kind"),
        sa.CheckConstraint("n_letters > 0", name="n_letters"),
        sa.CheckConstraint("issued_week LIKE '____-W__'", name="issued_week"),
        {"sqlite_with_rowid": False},
    )
    batch_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    gi: Mapped[str] = mapped_column(sa.String(contract.GI_MAX_LENGTH))
    respondent_type: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(8))
    n_letters: Mapped[int] = mapped_column(sa.Integer)
    issued_week: Mapped[str] = mapped_column(sa.String(8))


round_gis_table: sa.Table = RoundGi.__table__
batches_table: sa.Table = CodeBatch.__table__


@dataclass(frozen=True)
class InstitutionWindow:
    """One institution of a round: its own dates and whether it counts nationally.

    ``late`` is True when it opens later than the round's earliest opening day.
    """

    gi: str
    opens: _dt.date | None
    closes: _dt.date | None
    national: bool = True
    late: bool = False

    def status(self, round_closed: bool, today: _dt.date | None = None) -> str:
        """'open', 'not_yet_open' or 'closed' for this institution on ``today``."""
        from analysis.monitor import fieldwork_status

        return fieldwork_status(self.opens, self.closes, round_closed=round_closed, today=today or _dt.date.today())


def _lo(d: _dt.date | None) -> int:
    return d.toordinal() if d is not None else 0


def _hi(d: _dt.date | None) -> int:
    return d.toordinal() if d is not None else 10**9


def _check_languages(languages: Iterable[str] | str | None) -> tuple[str, ...]:
    if languages is None:
        return LANGUAGES
    if isinstance(languages, str):
        languages = [x for x in languages.split(",")]
    out = tuple(dict.fromkeys(str(x).strip().lower() for x in languages if str(x).strip()))
    if not out or any(x not in LANGUAGES for x in out):
        raise StorageError(f"languages: use one or more of {', '.join(LANGUAGES)}")
    return out


def _check_window(gi: str, opens, closes) -> tuple[_dt.date | None, _dt.date | None]:
    o, c = _as_date(opens, f"{gi} opens"), _as_date(closes, f"{gi} closes")
    if o and c and c < o:
        raise StorageError(f"{gi}: the closing day is before the opening day")
    return o, c


class RoundsMixin:
    """Methods of :class:`~survey_app.storage.store.Storage` for running a round from the app."""

    # ------------------------------------------------------------------ set-up

    def setup_round(
        self,
        *,
        name: str,
        gis: Iterable[str],
        respondent_types: Iterable[str] = contract.RESPONDENT_TYPES,
        opens: _dt.date | str | None = None,
        closes: _dt.date | str | None = None,
        gi_dates: Mapping[str, tuple] | None = None,
        access: str = "codes",
        languages: Iterable[str] | str | None = None,
        round_id: str | None = None,
    ) -> RoundInfo:
        """Create a round with dates per institution and the languages offered.

        ``opens``/``closes`` are the round's dates; ``gi_dates`` maps an
        institution to its own ``(opens, closes)`` (``None`` in either place:
        the round's date).  Access codes are made later, per institution and
        respondent type (:meth:`issue_codes`).  Raises :class:`StorageError`
        for bad input; nothing is stored then.
        """
        gi_list = [str(g).strip() for g in ([gis] if isinstance(gis, str) else gis)]
        gi_list = list(dict.fromkeys(gi_list))
        langs = _check_languages(languages)
        r_opens, r_closes = _check_window("round", opens, closes)
        windows: dict[str, tuple] = {}
        for gi in gi_list:
            o, c = (gi_dates or {}).get(gi, (None, None)) or (None, None)
            o = _as_date(o, f"{gi} opens") if o is not None else r_opens
            c = _as_date(c, f"{gi} closes") if c is not None else r_closes
            windows[gi] = _check_window(gi, o, c)
        unknown = sorted(set(gi_dates or {}) - set(gi_list))
        if unknown:
            raise StorageError(f"gi_dates: {', '.join(unknown)} not among the round's institutions")
        all_o = [w[0] for w in windows.values()]
        all_c = [w[1] for w in windows.values()]
        first = None if (not all_o or any(o is None for o in all_o)) else min(all_o)
        last = None if (not all_c or any(c is None for c in all_c)) else max(all_c)
        info, _ = self.create_round(
            name=name,
            gis=gi_list,
            respondent_types=respondent_types,
            opens=first,
            closes=last,
            access=access,
            round_id=round_id,
        )
        try:
            with self._write() as conn:
                conn.execute(
                    sa.update(rounds_table).where(rounds_table.c.id == info.id).values(languages=",".join(langs))
                )
                conn.execute(
                    sa.insert(round_gis_table),
                    [
                        {"round_id": info.id, "gi": gi, "opens": o, "closes": c, "national": True}
                        for gi, (o, c) in windows.items()
                        if gi in info.gis
                    ],
                )
                return self._get_round(conn, info.id)
        except Exception:
            with self._write() as conn:  # nothing was answered yet: take the half-made round away again
                conn.execute(sa.delete(rounds_table).where(rounds_table.c.id == info.id))
            raise

    # ------------------------------------------------------------------ windows

    def _windows(self, conn: Connection, info: RoundInfo) -> list[InstitutionWindow]:
        rows = {
            r["gi"]: r
            for r in conn.execute(sa.select(round_gis_table).where(round_gis_table.c.round_id == info.id)).mappings()
        }
        out = []
        for gi in info.gis:
            r = rows.get(gi)
            if r is None:
                out.append(InstitutionWindow(gi, info.opens, info.closes, True))
            else:
                out.append(InstitutionWindow(gi, r["opens"], r["closes"], bool(r["national"])))
        first = min((_lo(w.opens) for w in out), default=0)
        return [
            InstitutionWindow(w.gi, w.opens, w.closes, w.national, late=_lo(w.opens) > first and first > 0) for w in out
        ]

    def institution_windows(self, round_id: str) -> list[InstitutionWindow]:
        """Every institution of the round with its own dates, in the round's order."""
        with self._read() as conn:
            return self._windows(conn, self._get_round(conn, round_id))

    def fieldwork_windows(self) -> pd.DataFrame:
        """Every institution of every round with its own dates, in one frame.

        Columns :data:`analysis.monitor.WINDOW_COLUMNS` (round_id, round_name,
        round_closed, gi, opens, closes, late, national), rounds in :meth:`list_rounds` order:
        what :func:`analysis.monitor.report_hold` decides on.  Dates only, no
        answers.
        """
        from analysis.monitor import WINDOW_COLUMNS

        rows = []
        infos = self.list_rounds()
        with self._read() as conn:
            for info in infos:
                for w in self._windows(conn, info):
                    rows.append((info.id, info.name, info.closed, w.gi, w.opens, w.closes, w.late, w.national))
        return pd.DataFrame.from_records(rows, columns=list(WINDOW_COLUMNS))

    def institution_status(self, round_id: str, gi: str, *, today: _dt.date | None = None) -> str:
        """'open' | 'not_yet_open' | 'closed' for one institution; 'unknown' without such a round or institution."""
        try:
            with self._read() as conn:
                info = self._get_round(conn, round_id)
                win = {w.gi: w for w in self._windows(conn, info)}
        except RoundNotFound:
            return "unknown"
        w = win.get(gi) or next((v for k, v in win.items() if k.upper() == str(gi).upper()), None)
        return "unknown" if w is None else w.status(info.closed, today)

    def _check_gi_open(self, conn: Connection, info: RoundInfo, gi: str, today: _dt.date) -> None:
        """Inside :meth:`submit_response`: the institution's own dates must be open too."""
        win = {w.gi: w for w in self._windows(conn, info)}
        if gi in win:
            status = win[gi].status(info.closed, today)
            if status != "open":
                raise RoundNotOpen(info.id, status)

    def _materialise(self, conn: Connection, info: RoundInfo) -> None:
        have = set(conn.execute(sa.select(round_gis_table.c.gi).where(round_gis_table.c.round_id == info.id)).scalars())
        rows = [
            {"round_id": info.id, "gi": gi, "opens": info.opens, "closes": info.closes, "national": True}
            for gi in info.gis
            if gi not in have
        ]
        if rows:
            conn.execute(sa.insert(round_gis_table), rows)

    def _sync_round_dates(self, conn: Connection, round_id: str) -> None:
        rows = conn.execute(
            sa.select(round_gis_table.c.opens, round_gis_table.c.closes).where(round_gis_table.c.round_id == round_id)
        ).all()
        opens = None if not rows or any(r.opens is None for r in rows) else min(r.opens for r in rows)
        closes = None if not rows or any(r.closes is None for r in rows) else max(r.closes for r in rows)
        conn.execute(sa.update(rounds_table).where(rounds_table.c.id == round_id).values(opens=opens, closes=closes))

    def set_institution_dates(
        self, round_id: str, dates: Mapping[str, tuple], *, today: _dt.date | None = None
    ) -> RoundInfo:
        """Set ``{gi: (opens, closes)}`` for institutions of the round; the round's dates follow.

        Moving a closing day into the past closes that institution; moving it
        into the future opens it again (unless the whole round is closed: see
        :meth:`reopen_round`).  Raises :class:`StorageError` for an unknown
        institution or a closing day before the opening day.
        """
        with self._write() as conn:
            info = self._get_round(conn, round_id)
            checked = {}
            for gi, pair in dates.items():
                if gi not in info.gis:
                    raise StorageError(f"{gi} is not an institution of round '{round_id}'")
                o, c = pair
                checked[gi] = _check_window(gi, o, c)
            self._materialise(conn, info)
            for gi, (o, c) in checked.items():
                conn.execute(
                    sa.update(round_gis_table)
                    .where(round_gis_table.c.round_id == round_id, round_gis_table.c.gi == gi)
                    .values(opens=o, closes=c)
                )
            self._sync_round_dates(conn, round_id)
            return self._get_round(conn, round_id)

    def set_national(self, round_id: str, gi: str, national: bool) -> None:
        """Whether the institution's answers count in the round's national figures."""
        with self._write() as conn:
            info = self._get_round(conn, round_id)
            if gi not in info.gis:
                raise StorageError(f"{gi} is not an institution of round '{round_id}'")
            self._materialise(conn, info)
            conn.execute(
                sa.update(round_gis_table)
                .where(round_gis_table.c.round_id == round_id, round_gis_table.c.gi == gi)
                .values(national=bool(national))
            )

    def national_gis(self, round_id: str) -> tuple[str, ...]:
        """The institutions that count in the round's national figures."""
        return tuple(w.gi for w in self.institution_windows(round_id) if w.national)

    def set_languages(self, round_id: str, languages: Iterable[str] | str) -> RoundInfo:
        """The languages offered to respondents (the first is the default)."""
        langs = _check_languages(languages)
        with self._write() as conn:
            self._get_round(conn, round_id)
            conn.execute(sa.update(rounds_table).where(rounds_table.c.id == round_id).values(languages=",".join(langs)))
            return self._get_round(conn, round_id)

    def set_easy_read(self, round_id: str, offered: bool) -> RoundInfo:
        """Whether respondents of the round may switch to the easy-read version (issue 12)."""
        with self._write() as conn:
            self._get_round(conn, round_id)
            conn.execute(sa.update(rounds_table).where(rounds_table.c.id == round_id).values(easy_read=bool(offered)))
            return self._get_round(conn, round_id)

    def rename_round(self, round_id: str, name: str) -> RoundInfo:
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name or len(name) > MAX_NAME_LENGTH:
            raise StorageError(f"name: give 1 to {MAX_NAME_LENGTH} characters")
        with self._write() as conn:
            self._get_round(conn, round_id)
            conn.execute(sa.update(rounds_table).where(rounds_table.c.id == round_id).values(name=name))
            return self._get_round(conn, round_id)

    # ------------------------------------------------------------------ close, reopen, archive

    def reopen_round(
        self, round_id: str, *, closes: _dt.date | str | None = None, today: _dt.date | None = None
    ) -> RoundInfo:
        """Accept responses again until ``closes`` (every institution whose
        closing day has passed gets that day; required when one has passed).

        An archived round cannot be reopened (take it out of the archive first).
        """
        today = today or _dt.date.today()
        closes = _as_date(closes, "closes")
        if closes is not None and closes < today:
            raise StorageError("closes: the new closing day is in the past")
        with self._write() as conn:
            info = self._get_round(conn, round_id)
            if info.archived:
                raise StorageError(f"round '{round_id}' is archived; take it out of the archive first")
            self._materialise(conn, info)
            for w in self._windows(conn, info):
                if w.closes is not None and w.closes < today:
                    if closes is None:
                        raise StorageError("closes: give a new closing day (the old one has passed)")
                    conn.execute(
                        sa.update(round_gis_table)
                        .where(round_gis_table.c.round_id == round_id, round_gis_table.c.gi == w.gi)
                        .values(closes=closes)
                    )
            conn.execute(sa.update(rounds_table).where(rounds_table.c.id == round_id).values(closed=False))
            self._sync_round_dates(conn, round_id)
            return self._get_round(conn, round_id)

    def archive_round(self, round_id: str, archived: bool = True) -> RoundInfo:
        """Put a closed round in the archive (hidden from the list of running rounds) or take it out.

        Its answers stay where they are and keep counting in the dashboards.
        """
        with self._write() as conn:
            info = self._get_round(conn, round_id)
            if archived and not info.closed:
                raise StorageError(f"round '{round_id}' is not closed; close it before archiving")
            conn.execute(sa.update(rounds_table).where(rounds_table.c.id == round_id).values(archived=bool(archived)))
            if archived:
                conn.execute(sa.delete(tokens_table).where(tokens_table.c.round_id == round_id))
            return self._get_round(conn, round_id)

    def round_names(self) -> dict[str, str]:
        """``{round_id: name}`` of every round."""
        with self._read() as conn:
            return dict(conn.execute(sa.select(rounds_table.c.id, rounds_table.c.name)).all())

    # ------------------------------------------------------------------ letters

    def _check_group(self, info: RoundInfo, gi: str, respondent_type: str, n: int) -> None:
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_BATCH:
            raise StorageError(f"n: a whole number from 1 to {MAX_BATCH}")
        if not GI_RE.fullmatch(str(gi)) or gi not in info.gis:
            raise StorageError(f"{gi} is not an institution of round '{info.id}'")
        if respondent_type not in info.respondent_types:
            raise StorageError(f"respondent_type {respondent_type!r} is not part of round '{info.id}'")
        if info.closed or info.archived:
            raise StorageError(f"round '{info.id}' is closed; it takes no new invitations")

    def issue_codes(
        self, round_id: str, gi: str, respondent_type: str, n: int, *, today: _dt.date | None = None
    ) -> list[str]:
        """Make ``n`` access codes for the letters of one institution and respondent type.

        Returns the plain codes (shown ONCE; only their keyed hashes are
        stored, per round, as by :meth:`add_codes`) and records a batch of
        ``n`` letters for the response monitor, in the same transaction.
        """
        key = self._secret()
        week = iso_week(today or _dt.date.today())
        with self._write() as conn:
            info = self._get_round(conn, round_id)
            if info.access != "codes":
                raise StorageError(f"round '{round_id}' is open to everyone; it takes no codes")
            self._check_group(info, gi, respondent_type, n)
            plain = self._insert_codes(conn, round_id, n, key)
            self._insert_batch(conn, round_id, gi, respondent_type, "codes", n, week)
        return plain

    def record_invitations(
        self, round_id: str, gi: str, respondent_type: str, n: int, *, today: _dt.date | None = None
    ) -> int:
        """Record ``n`` letters with the open link (a round without codes) for the response monitor; returns ``n``."""
        week = iso_week(today or _dt.date.today())
        with self._write() as conn:
            info = self._get_round(conn, round_id)
            if info.access != "open":
                raise StorageError(f"round '{round_id}' uses access codes: use issue_codes")
            self._check_group(info, gi, respondent_type, n)
            self._insert_batch(conn, round_id, gi, respondent_type, "open", n, week)
        return n

    def _insert_batch(self, conn, round_id, gi, respondent_type, kind, n, week) -> None:
        conn.execute(
            sa.insert(batches_table).values(
                batch_id=uuid.uuid4().hex,
                round_id=round_id,
                gi=gi,
                respondent_type=respondent_type,
                kind=kind,
                n_letters=n,
                issued_week=week,
            )
        )

    def unknown_codes(self, round_id: str, codes: Iterable[str]) -> list[str]:
        """The codes (as given) that were never issued for this round.

        Used to check a mail-merge file before reminder letters are made.  It
        does not tell whether a code was used: reminders go to everyone, so
        nobody learns from the app who has answered.
        """
        key = self._secret()
        given = list(codes)
        hashes: dict[str, list[str]] = {}
        bad: list[str] = []
        for c in given:
            norm = _codes.normalize_code(c)
            if not _codes.is_code(norm):
                bad.append(c)
            else:
                hashes.setdefault(_codes.hash_code(norm, key), []).append(c)
        found: set[str] = set()
        with self._read() as conn:
            for chunk in _chunks(list(hashes), 500):
                found |= set(
                    conn.execute(
                        sa.select(codes_table.c.code_hash).where(
                            codes_table.c.round_id == round_id, codes_table.c.code_hash.in_(chunk)
                        )
                    ).scalars()
                )
        bad += [c for h, cs in hashes.items() if h not in found for c in cs]
        order = {c: i for i, c in enumerate(given)}
        return sorted(set(bad), key=lambda c: order.get(c, 0))

    # ------------------------------------------------------------------ monitor counts

    def invitation_counts(self, round_id: str) -> pd.DataFrame:
        """Letters made per institution and respondent type: columns gi, respondent_type, invited."""
        t = batches_table
        stmt = (
            sa.select(t.c.gi, t.c.respondent_type, sa.func.sum(t.c.n_letters).label("invited"))
            .where(t.c.round_id == round_id)
            .group_by(t.c.gi, t.c.respondent_type)
        )
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        df = pd.DataFrame.from_records(rows, columns=["gi", "respondent_type", "invited"])
        df["invited"] = df["invited"].astype("int64")
        return df.sort_values(["gi", "respondent_type"], ignore_index=True)

    def response_counts(self, round_id: str) -> pd.DataFrame:
        """Responses per institution, respondent type and ISO week: columns gi, respondent_type, submitted_week, n.

        Counts only (no answers are read).
        """
        t = responses_table
        stmt = (
            sa.select(t.c.gi, t.c.respondent_type, t.c.submitted_week, sa.func.count().label("n"))
            .where(t.c.round_id == round_id)
            .group_by(t.c.gi, t.c.respondent_type, t.c.submitted_week)
        )
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        df = pd.DataFrame.from_records(rows, columns=["gi", "respondent_type", "submitted_week", "n"])
        df["n"] = df["n"].astype("int64")
        return df.sort_values(["gi", "respondent_type", "submitted_week"], ignore_index=True)
