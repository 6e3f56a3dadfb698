"""A round's protected table at close, kept for good (issue 9, H5 and imports after close).

Tables (migrations ``0009_frozen_table``, ``0010_frozen_members``)
------------------------------------------------------------------
``frozen_tables``   round_id, n_cells, cells -- one row per round whose figures
                    were released: the cells its protected table hid on the first
                    build after the round's fieldwork closed for every institution
                    (:func:`survey_app.dashboard.data_access.protected_data`).
``frozen_members``  response_id, round_id -- the responses that table was built
                    on, written in the same transaction.  Readers without row data
                    read only these rows of a released round
                    (:meth:`Storage.load_responses` with ``released=True``): a
                    response added later (an import after close, an answer after a
                    reopen) would make a second version of a released table, and
                    the difference of the two is the added rows' answers.
``frozen_families`` round_id, family, n_cells, cells -- the hidden cells of a
                    family built on demand (Verbanden: ``crosstab:*``,
                    ``grade:*``), kept the first time it is built for a released
                    round (:meth:`FrozenMixin.freeze_family`).

``cells`` is JSON: a list of ``[family, round_id, gi, respondent_type,
measure_type, group_column, group, group_column_2, group_2, status]`` (the
columns of :meth:`analysis.protection.ProtectedData.table` without ``n``: no
size is kept, only which cells were hidden).  Every later build of the table
that readers without row data see passes these cells as ``previous``, so a cell
hidden at close stays hidden after a reopen or an import into the round
(sticky suppression).  A round's row is written once and never changed: the
first writer wins (two servers building at the same moment build the same
table).  No time is stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .errors import StorageError
from .schema import Base, _ResponseId, responses_table

#: columns of one frozen cell (ProtectedData.table without ``n``)
FROZEN_COLUMNS = (
    "family",
    "round_id",
    "gi",
    "respondent_type",
    "measure_type",
    "group_column",
    "group",
    "group_column_2",
    "group_2",
    "status",
)
HIDDEN_STATUSES = ("small", "protects")


class FrozenTable(Base):
    """The hidden cells of one round's protected table at close."""

    __tablename__ = "frozen_tables"
    __table_args__ = {"sqlite_with_rowid": False}
    round_id: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    n_cells: Mapped[int] = mapped_column(sa.Integer)
    cells: Mapped[str] = mapped_column(sa.Text)


class FrozenMember(Base):
    """One response of a released round's table (its members never change)."""

    __tablename__ = "frozen_members"
    __table_args__ = {"sqlite_with_rowid": False}
    response_id: Mapped[str] = mapped_column(_ResponseId, primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)


class FrozenFamily(Base):
    """The hidden cells of one family built on demand, for one released round."""

    __tablename__ = "frozen_families"
    __table_args__ = {"sqlite_with_rowid": False}
    round_id: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    family: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    n_cells: Mapped[int] = mapped_column(sa.Integer)
    cells: Mapped[str] = mapped_column(sa.Text)


frozen_table: sa.Table = FrozenTable.__table__
members_table: sa.Table = FrozenMember.__table__
families_table: sa.Table = FrozenFamily.__table__


def released_rows(t: sa.Table = responses_table):
    """SQL condition: a response of a round not frozen yet, or one of its round's frozen members."""
    frozen = sa.select(frozen_table.c.round_id).where(frozen_table.c.round_id == t.c.round_id)
    member = sa.select(members_table.c.response_id).where(members_table.c.response_id == t.c.response_id)
    return sa.or_(~frozen.exists(), member.exists())


def _is_frozen(conn, round_id: str) -> bool:
    """Whether ``round_id`` has its released table kept (a row in ``frozen_tables``)."""
    return (
        conn.execute(sa.select(frozen_table.c.round_id).where(frozen_table.c.round_id == round_id)).first() is not None
    )


def _hidden_records(cells: pd.DataFrame, round_id: str, family: str | None = None) -> list[list]:
    missing = [c for c in FROZEN_COLUMNS if c not in cells.columns]
    if missing:
        raise StorageError(f"frozen cells: missing column(s) {', '.join(missing)}")
    keep = (cells["round_id"].astype(object) == round_id) & cells["status"].isin(HIDDEN_STATUSES)
    if family is not None:
        keep &= cells["family"].astype(object) == family
    part = cells[keep]
    return [[_plain(v) for v in rec] for rec in part[list(FROZEN_COLUMNS)].itertuples(index=False, name=None)]


def _plain(v):
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    return str(v)


class FrozenMixin:
    """Freeze a round's hidden cells and members once; read them back (mixin of :class:`Storage`)."""

    def frozen_round_ids(self) -> tuple[str, ...]:
        """The rounds whose hidden cells are kept, sorted."""
        with self._read() as conn:
            return tuple(sorted(conn.execute(sa.select(frozen_table.c.round_id)).scalars()))

    def frozen_cells(self, round_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Every kept hidden cell (of ``round_ids``; None: every round), columns :data:`FROZEN_COLUMNS`.

        What :class:`analysis.protection.ProtectedData` takes as ``previous``.
        """
        rows: list = []
        with self._read() as conn:
            for table in (frozen_table, families_table):  # the figure families, then those built on demand
                q = sa.select(table.c.cells).order_by(*table.primary_key.columns)
                if round_ids is not None:
                    q = q.where(table.c.round_id.in_(list(round_ids)))
                for text in conn.execute(q).scalars():
                    rows.extend(json.loads(text))
        return pd.DataFrame.from_records(rows, columns=list(FROZEN_COLUMNS)).astype(object)

    def freeze_cells(self, round_id: str, cells: pd.DataFrame, *, response_ids: Iterable[str] | None = None) -> bool:
        """Keep the hidden cells of ``round_id`` (rows of a protected table whose round is ``round_id``).

        Only rows with a hidden status are kept, and only their key (no
        size).  ``response_ids``: the responses of ``round_id`` that table
        was built on (its members, ``frozen_members``), kept in the same
        transaction; from then on :meth:`load_responses` with
        ``released=True`` gives only these rows of the round.  Written once:
        returns False (and keeps the old cells and members) when the round
        was frozen already.
        """
        recs = _hidden_records(cells, round_id)
        ids = sorted({str(r) for r in response_ids}) if response_ids is not None else []
        with self._write(lock="freeze") as conn:  # PostgreSQL: one freezer at a time
            self._lock_counts(conn)  # first: answer_counts before responses (the members), storage/counts.py
            self._get_round(conn, round_id)  # RoundNotFound for an unknown round
            if _is_frozen(conn, round_id):
                return False
            conn.execute(sa.insert(frozen_table).values(round_id=round_id, n_cells=len(recs), cells=json.dumps(recs)))
            if ids:
                conn.execute(sa.insert(members_table), [{"response_id": i, "round_id": round_id} for i in ids])
            self._hold_back_counts(conn, round_id)  # responses that are not members: held (storage/counts.py)
        return True

    def frozen_member_count(self, round_id: str) -> int:
        """How many responses the released table of ``round_id`` holds (0: not frozen)."""
        q = sa.select(sa.func.count()).select_from(members_table).where(members_table.c.round_id == round_id)
        with self._read() as conn:
            return int(conn.execute(q).scalar_one())

    def held_back(self, round_id: str) -> int:
        """Responses of a released round that are not in its released table (added after close; 0 if not frozen)."""
        t = responses_table
        q = sa.select(sa.func.count()).select_from(t).where(t.c.round_id == round_id, sa.not_(released_rows(t)))
        with self._read() as conn:
            return int(conn.execute(q).scalar_one())

    def frozen_families(self, round_id: str) -> tuple[str, ...]:
        """The families built on demand whose hidden cells are kept for ``round_id``, sorted."""
        q = sa.select(families_table.c.family).where(families_table.c.round_id == round_id)
        with self._read() as conn:
            return tuple(sorted(conn.execute(q).scalars()))

    def freeze_family(self, round_id: str, family: str, cells: pd.DataFrame) -> bool:
        """Keep the hidden cells of one family built on demand for a frozen round (written once).

        ``cells``: rows of :meth:`analysis.protection.ProtectedData.table`
        (other rounds and families are left out).  Returns False when the
        family was kept already or the round is not frozen (nothing written).
        """
        recs = _hidden_records(cells, round_id, family)
        with self._write(lock="freeze") as conn:  # PostgreSQL: one freezer at a time
            if not _is_frozen(conn, round_id):
                return False
            done = sa.select(families_table.c.family).where(
                families_table.c.round_id == round_id, families_table.c.family == family
            )
            if conn.execute(done).first():
                return False
            conn.execute(
                sa.insert(families_table).values(
                    round_id=round_id, family=family, n_cells=len(recs), cells=json.dumps(recs)
                )
            )
        return True
