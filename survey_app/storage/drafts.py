"""Drafts: a respondent's answers in progress, kept so a restart or reconnect loses nothing (issue 10).

Table (migration ``0006_drafts``)
---------------------------------
``drafts``  token_hash, round_id, expires_at, data

* The key is the SHA-256 of a random token that only the respondent's browser
  holds (in the link, ``?d=...``); the token itself is not stored, so someone
  reading the database cannot open a draft in a browser.
* ``data`` is JSON with the step reached, the questionnaire version being
  answered (``variant``: ``standaard`` or ``makkelijk``, issue 12) and the
  answers so far; free text is
  scrubbed (:func:`analysis.scrub.scrub_text`) before it is kept, as in a
  response.  Only the keys of :data:`DRAFT_KEYS` are kept: never an access
  code or its hash (a draft must not tie a code to answers: after a restart a
  code round asks for the code again), no IP, no user agent.
* The only time is ``expires_at``: a whole UTC hour, :data:`DRAFT_HOURS` after
  the hour of the last save (so a draft lives 23 to 24 hours after its last
  change).  A draft is deleted in the transaction that stores its response;
  expired drafts are deleted on start and every :data:`PURGE_EVERY_S` seconds
  while drafts are saved or read.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from analysis import contract

from .errors import StorageError
from .schema import Base, _scrub

log = logging.getLogger(__name__)

#: a draft expires this many hours after the (whole) hour of its last save
DRAFT_HOURS = 24
#: expired drafts are purged at most this often per process (and on start)
PURGE_EVERY_S = 600
#: what a draft may hold; anything else given is dropped
DRAFT_KEYS = ("stage", "step_id", "respondent_type", "gi", "lang", "variant", "answers")
DRAFT_STAGES = ("questions", "review")
MAX_DRAFT_BYTES = 64_000


class Draft(Base):
    """Answers in progress under the hash of a browser-held token; no code, no exact time."""

    __tablename__ = "drafts"
    __table_args__ = {"sqlite_with_rowid": False}
    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[_dt.datetime] = mapped_column(sa.DateTime, index=True)
    data: Mapped[str] = mapped_column(sa.Text)


drafts_table: sa.Table = Draft.__table__


def draft_token_hash(token: str) -> str:
    """SHA-256 (hex) of a draft token; raises StorageError for a token that cannot be one."""
    if not isinstance(token, str) or not (16 <= len(token.strip()) <= 128):
        raise StorageError("a draft token is a random string of 16 to 128 characters")
    return hashlib.sha256(b"draft:" + token.strip().encode("utf-8")).hexdigest()


def _hour(now: _dt.datetime | None) -> _dt.datetime:
    now = now or _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
    return now.replace(minute=0, second=0, microsecond=0)


def clean_draft(draft: Mapping[str, Any]) -> dict[str, Any]:
    """Only :data:`DRAFT_KEYS`, answers only to questionnaire items as plain values, free text scrubbed."""
    out = {k: draft.get(k) for k in DRAFT_KEYS if k != "answers" and draft.get(k) is not None}
    for k, v in list(out.items()):
        if not isinstance(v, str) or len(v) > 64:
            raise StorageError(f"draft: {k} must be a short text")
    if out.get("variant", contract.DEFAULT_VARIANT) not in contract.QUESTIONNAIRE_VARIANTS:
        raise StorageError(f"draft: variant must be one of {', '.join(contract.QUESTIONNAIRE_VARIANTS)}")
    answers = {}
    for item, value in dict(draft.get("answers") or {}).items():
        if item not in contract.ITEM_COLUMNS or value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise StorageError(f"draft: the answer to {item} is not a text or whole number")
        answers[item] = _scrub(value) if item in contract.COMMENT_COLUMNS else value
    out["answers"] = answers
    return out


class DraftsMixin:
    """Methods of :class:`~survey_app.storage.store.Storage` for drafts."""

    _last_purge: float = 0.0

    def save_draft(
        self, token: str, round_id: str, draft: Mapping[str, Any], *, now: _dt.datetime | None = None
    ) -> None:
        """Keep (replace) the draft of ``token`` for ``round_id`` (see the module docstring)."""
        h = draft_token_hash(token)
        data = json.dumps(clean_draft(draft), ensure_ascii=False, sort_keys=True)
        if len(data.encode("utf-8")) > MAX_DRAFT_BYTES:
            raise StorageError("draft too large")
        expires = _hour(now) + _dt.timedelta(hours=DRAFT_HOURS)
        self._purge_now_and_then(now)
        with self._write() as conn:
            done = conn.execute(
                sa.update(drafts_table)
                .where(drafts_table.c.token_hash == h, drafts_table.c.round_id == round_id)
                .values(expires_at=expires, data=data)
            )
            if done.rowcount == 0:
                conn.execute(sa.delete(drafts_table).where(drafts_table.c.token_hash == h))  # another round's
                conn.execute(
                    sa.insert(drafts_table).values(token_hash=h, round_id=round_id, expires_at=expires, data=data)
                )

    def load_draft(self, token: str, round_id: str, *, now: _dt.datetime | None = None) -> dict[str, Any] | None:
        """The draft of ``token`` for ``round_id``; None when there is none, it expired or the token is malformed."""
        try:
            h = draft_token_hash(token)
        except StorageError:
            return None
        self._purge_now_and_then(now)
        now = now or _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
        with self._read() as conn:
            row = conn.execute(
                sa.select(drafts_table.c.data).where(
                    drafts_table.c.token_hash == h,
                    drafts_table.c.round_id == round_id,
                    drafts_table.c.expires_at > now,
                )
            ).first()
        return None if row is None else json.loads(row.data)

    def delete_draft(self, token: str) -> None:
        """Forget the draft of ``token`` (nothing happens when there is none)."""
        h = draft_token_hash(token)
        with self._write() as conn:
            conn.execute(sa.delete(drafts_table).where(drafts_table.c.token_hash == h))

    def count_drafts(self, round_id: str | None = None) -> int:
        """Number of kept drafts (of one round, or all): for the monitor and tests."""
        stmt = sa.select(sa.func.count()).select_from(drafts_table)
        if round_id is not None:
            stmt = stmt.where(drafts_table.c.round_id == round_id)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def purge_drafts(self, *, now: _dt.datetime | None = None) -> int:
        """Delete the expired drafts; returns how many."""
        now = now or _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
        with self._write() as conn:
            n = conn.execute(sa.delete(drafts_table).where(drafts_table.c.expires_at <= now)).rowcount
        self._last_purge = time.monotonic()
        return int(n or 0)

    def _purge_now_and_then(self, now: _dt.datetime | None) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_S and now is None:
            return
        try:
            self.purge_drafts(now=now)
        except Exception as exc:  # a failed clean-up never fails the respondent's request
            log.warning("purging expired drafts failed: %s", type(exc).__name__)
