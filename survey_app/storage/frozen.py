"""The hidden cells of a round's protected table at close, kept for good (issue 9, H5).

Table (migration ``0009_frozen_table``)
---------------------------------------
``frozen_tables``  round_id, n_cells, cells -- one row per round whose figures
                   were released: the cells its protected table hid on the first
                   build after the round's fieldwork closed for every institution
                   (:func:`survey_app.dashboard.data_access.protected_data`).

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
from .schema import Base

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


frozen_table: sa.Table = FrozenTable.__table__


def _plain(v):
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    return str(v)


class FrozenMixin:
    """Freeze a round's hidden cells once; read them all back (mixin of :class:`Storage`)."""

    def frozen_round_ids(self) -> tuple[str, ...]:
        """The rounds whose hidden cells are kept, sorted."""
        with self._read() as conn:
            return tuple(sorted(conn.execute(sa.select(frozen_table.c.round_id)).scalars()))

    def frozen_cells(self, round_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Every kept hidden cell (of ``round_ids``; None: every round), columns :data:`FROZEN_COLUMNS`.

        What :class:`analysis.protection.ProtectedData` takes as ``previous``.
        """
        q = sa.select(frozen_table.c.cells).order_by(frozen_table.c.round_id)
        if round_ids is not None:
            q = q.where(frozen_table.c.round_id.in_(list(round_ids)))
        rows: list = []
        with self._read() as conn:
            for text in conn.execute(q).scalars():
                rows.extend(json.loads(text))
        return pd.DataFrame.from_records(rows, columns=list(FROZEN_COLUMNS)).astype(object)

    def freeze_cells(self, round_id: str, cells: pd.DataFrame) -> bool:
        """Keep the hidden cells of ``round_id`` (rows of a protected table whose round is ``round_id``).

        Only rows with a hidden status are kept, and only their key (no
        size).  Written once: returns False (and keeps the old cells) when
        the round was frozen already.
        """
        missing = [c for c in FROZEN_COLUMNS if c not in cells.columns]
        if missing:
            raise StorageError(f"frozen cells: missing column(s) {', '.join(missing)}")
        part = cells[(cells["round_id"].astype(object) == round_id) & cells["status"].isin(HIDDEN_STATUSES)]
        recs = [[_plain(v) for v in rec] for rec in part[list(FROZEN_COLUMNS)].itertuples(index=False, name=None)]
        with self._write() as conn:
            self._get_round(conn, round_id)  # RoundNotFound for an unknown round
            if conn.execute(sa.select(frozen_table.c.round_id).where(frozen_table.c.round_id == round_id)).first():
                return False
            conn.execute(sa.insert(frozen_table).values(round_id=round_id, n_cells=len(recs), cells=json.dumps(recs)))
        return True
