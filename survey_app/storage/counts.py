"""The aggregate of each round's answers, kept next to the responses (issue 10 item 2).

Table (migration ``0011_answer_counts``)
----------------------------------------
``answer_counts``  round_id, gi, respondent_type, measure_type, column, code,
                   column_2, code_2, held, shard, n -- the respondents per
                   selection and per combination of the answers to a pair of
                   questions (:mod:`analysis.aggregate`: its key, plus ``held``
                   and ``shard``); a count is the sum over its shards.

A submission adds its counts in its own transaction, an import those of its
rows in the import's transaction: the aggregate is always the count of the
stored responses, for every server that reads the database.  The dashboards'
protected tables are built from it (:func:`survey_app.dashboard.data_access.protected_data`),
not from a million rows per server.

``held`` is true for a response added to a round after its table was released
(frozen: an import after close, an answer after a reopen; :mod:`.frozen`):
readers without row data read only the counts not held of such a round, the counts of
its frozen members.  :meth:`CountsMixin._hold_back_counts` sets the flags of a
round in the transaction that freezes it.

``shard`` spreads the counter rows a submission updates over :data:`SHARDS`
copies (PostgreSQL; on SQLite, with one writer at a time, always ``"0"``).
Every submission of one selection updates the same rows, and a row stays
locked until its transaction commits: with one copy, concurrent submissions
on PostgreSQL waited for each other's commit in turn.  A submission picks one
shard at random for all its rows (two submissions wait for each other only
when they pick the same one); readers sum the shards.  Recounts and
``erase-order`` write every count back to shard ``"0"``, and so does a release
that holds some responses back (the members' counts, summed).

Nothing in the table names a response or a time.  On PostgreSQL a counter row
carries the transaction id of its last update (``xmin``), like a response row
does: :meth:`Storage.erase_insertion_order` rebuilds the table along with the
responses, so neither says which answers came in with which code.

The first read of a round by a :class:`Storage` checks its aggregate against
its responses (the number of responses in every pair, and for a released round
the number of its members) and counts a round that does not match again (a
database from before migration 0011, restored from an older backup, or written
by an older version of this tool); from then on the transactions of
submissions and imports keep it right.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from analysis import aggregate, contract
from analysis.frame import canonical_frame

from .frozen import frozen_table, members_table, released_rows
from .schema import Base, responses_table, rounds_table


class AnswerCount(Base):
    """Respondents of one selection with one combination of answers to a pair of questions."""

    __tablename__ = "answer_counts"
    __table_args__ = {"sqlite_with_rowid": False}
    round_id: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    gi: Mapped[str] = mapped_column(sa.String(contract.GI_MAX_LENGTH), primary_key=True)
    respondent_type: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    measure_type: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    column: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    column_2: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    code_2: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    held: Mapped[bool] = mapped_column(sa.Boolean, primary_key=True)  # no integer key (tests/test_anonymity.py)
    shard: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger)


counts_table: sa.Table = AnswerCount.__table__
_KEY = [*aggregate.KEY, "held", "shard"]
SHARDS = 8  # copies of each counter row on PostgreSQL (module docstring)


_CHUNK = 90  # records per SQLite statement (11 parameters each: below the limit of 999 before SQLite 3.32)


def _summed(conn: Connection, round_ids: list[str] | None, released: bool) -> pd.DataFrame:
    """The stored aggregate summed over its shards (and over ``held``, unless ``released``: not held only)."""
    c = counts_table
    keys = [c.c[k] for k in aggregate.KEY]
    stmt = sa.select(*keys, sa.func.sum(c.c.n).label("n")).group_by(*keys)
    if released:
        stmt = stmt.where(c.c.held.is_(False))
    if round_ids is not None:
        stmt = stmt.where(c.c.round_id.in_(round_ids))
    rows = conn.execute(stmt).all()
    if not rows:
        return aggregate.empty()
    return aggregate.add(pd.DataFrame.from_records(rows, columns=list(aggregate.COLUMNS)))


def _quoted(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _upsert_sql(dialect: str, k: int) -> str:
    """One statement, one round trip, for ``k`` records (SQLAlchemy's executemany sent one per record):
    INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n.  SQLite: ``k`` rows of VALUES;
    PostgreSQL: the records as one JSON text (the same short statement for every ``k``, which psycopg
    prepares once; a long VALUES text would be parsed again on every call, and arrays of each column
    cost more to send than the JSON)."""
    key = _quoted(_KEY)
    if dialect == "postgresql":
        rows = f"SELECT {key}, n FROM json_populate_recordset(NULL::answer_counts, %s::json)"
    else:
        rows = "VALUES " + ", ".join(["(" + ", ".join(["?"] * (len(_KEY) + 1)) + ")"] * k)
    return f"INSERT INTO answer_counts ({key}, n) {rows} ON CONFLICT ({key}) DO UPDATE SET n = answer_counts.n + excluded.n"


def _records(agg: pd.DataFrame | list[dict], held: bool, shard: str) -> list[dict]:
    # sorted by the key (count_table, one_response): two transactions update shared rows in one order (no deadlock)
    recs = agg[list(aggregate.COLUMNS)].to_dict("records") if isinstance(agg, pd.DataFrame) else agg
    return [{**{k: r[k] for k in aggregate.KEY}, "held": held, "shard": shard, "n": int(r["n"])} for r in recs]


class CountsMixin:
    """The ``answer_counts`` table: kept on submit and import, read by the dashboards."""

    def _count_upsert(self, k: int) -> str:
        cache = self.__dict__.setdefault("_count_sql", {})
        sql = cache.get(k)
        if sql is None:
            sql = cache[k] = _upsert_sql(self.dialect, k)
        return sql

    def _add_counts(
        self, conn: Connection, agg: pd.DataFrame | list[dict], *, held: bool, spread: bool = False
    ) -> None:
        """Add the counts ``agg`` (:func:`analysis.aggregate.count_table`, or the records of
        :func:`analysis.aggregate.one_response`) inside ``conn``'s transaction.  ``spread``: to a shard
        picked at random (a submission on PostgreSQL); otherwise to shard ``"0"``."""
        if len(agg):
            shard = str(secrets.randbelow(SHARDS)) if spread and self.dialect == "postgresql" else "0"
            recs = _records(agg, bool(held), shard)
            if self.dialect == "postgresql":  # the records in the order given (json_populate_recordset keeps it)
                conn.exec_driver_sql(self._count_upsert(0), (json.dumps(recs),))
                return
            cols = [*_KEY, "n"]
            for i in range(0, len(recs), _CHUNK):
                part = recs[i : i + _CHUNK]
                conn.exec_driver_sql(self._count_upsert(len(part)), tuple(r[c] for r in part for c in cols))

    def _lock_counts(self, conn: Connection, mode: str = "SHARE ROW EXCLUSIVE") -> None:
        """PostgreSQL: take ``answer_counts`` in ``mode`` (SQLite has one writer; nothing to do).

        The default: no submission or import adds counts until this transaction ends (and every one that
        added some has committed): a recount then neither misses nor doubles one.  ``ROW EXCLUSIVE``: what
        a submission or an import takes before anything else.  Every transaction that uses both tables takes
        ``answer_counts`` before ``responses`` (submissions, imports, releases, recounts, erase-order): two of
        them never wait for each other in a circle (deadlock)."""
        if self.dialect == "postgresql":
            conn.exec_driver_sql(f"LOCK TABLE answer_counts IN {mode} MODE")

    def _counted(self, conn: Connection, round_id: str, released: bool) -> pd.DataFrame:
        """The aggregate of the responses of ``round_id`` its released table holds (``released``) or not
        (:func:`.frozen.released_rows`: a round not frozen holds all)."""
        t = responses_table
        cond = released_rows(t) if released else ~released_rows(t)
        rows = conn.execute(sa.select(*[t.c[c] for c in contract.COLUMNS]).where(t.c.round_id == round_id, cond)).all()
        if not rows:
            return aggregate.empty()
        return aggregate.count_table(canonical_frame(pd.DataFrame.from_records(rows, columns=list(contract.COLUMNS))))

    def _rebuild_counts(self, conn: Connection, round_id: str) -> None:
        """Count the stored responses of ``round_id`` again (inside ``conn``'s transaction)."""
        self._lock_counts(conn)
        conn.execute(sa.delete(counts_table).where(counts_table.c.round_id == round_id))
        for held in (False, True):
            self._add_counts(conn, self._counted(conn, round_id, released=not held), held=held)

    def _hold_back_counts(self, conn: Connection, round_id: str) -> None:
        """Move the counts of the responses of ``round_id`` that are not its frozen members to ``held``
        (inside the transaction that freezes the round; usually there are none).  When there are some, the
        members' counts are written back summed over their shards."""
        self._lock_counts(conn)
        agg = self._counted(conn, round_id, released=False)
        if not len(agg):
            return
        now = _summed(conn, [round_id], released=True)
        c = counts_table
        conn.execute(sa.delete(c).where(c.c.round_id == round_id, c.c.held.is_(False)))
        self._add_counts(conn, aggregate.add(now, agg, sign=[1, -1]), held=False)
        self._add_counts(conn, agg, held=True)

    def _merge_shards(self, conn: Connection) -> None:
        """PostgreSQL, inside ``erase-order``'s transaction (both tables locked): every counter row written anew,
        the shards summed into ``"0"`` (a row's ``xmin`` would otherwise name the transaction of its last
        submission)."""
        key = _quoted((*aggregate.KEY, "held"))
        conn.exec_driver_sql("CREATE TEMPORARY TABLE survey_recount ON COMMIT DROP AS SELECT * FROM answer_counts")
        conn.exec_driver_sql("TRUNCATE answer_counts")
        conn.exec_driver_sql(
            f"INSERT INTO answer_counts ({key}, shard, n) SELECT {key}, '0', sum(n) FROM survey_recount "
            f"GROUP BY {key} ORDER BY {key}"
        )

    def rebuild_counts(self, round_ids: Iterable[str] | None = None) -> None:
        """Count the responses of the rounds (default: every round) again, one round per transaction."""
        with self._read() as conn:
            known = list(conn.execute(sa.select(rounds_table.c.id)).scalars())
        for round_id in known if round_ids is None else list(round_ids):
            with self._write(lock="freeze") as conn:
                self._rebuild_counts(conn, round_id)

    def _count_mismatches(self, conn: Connection, round_ids: list[str] | None) -> list[str]:
        """Rounds whose aggregate does not count their responses in every pair (and, released, their members)."""
        c, t = counts_table, responses_table
        stored_q = sa.select(c.c.round_id, c.c.held, c.c.column, c.c.column_2, sa.func.sum(c.c.n)).group_by(
            c.c.round_id, c.c.held, c.c.column, c.c.column_2
        )
        rows_q = sa.select(t.c.round_id, sa.func.count()).group_by(t.c.round_id)
        members_q = sa.select(members_table.c.round_id, sa.func.count()).group_by(members_table.c.round_id)
        if round_ids is not None:
            stored_q = stored_q.where(c.c.round_id.in_(round_ids))
            rows_q = rows_q.where(t.c.round_id.in_(round_ids))
            members_q = members_q.where(members_table.c.round_id.in_(round_ids))
        per_pair: dict[str, dict[int, dict[tuple, int]]] = {}
        for rid, held, a, b, n in conn.execute(stored_q):
            per_pair.setdefault(rid, {}).setdefault(int(held), {})[(a, b)] = int(n)
        stored: dict[str, dict[int, int]] = {}
        uneven = set()
        for rid, by_held in per_pair.items():
            for held, pairs in by_held.items():
                totals = {pairs.get(p, 0) for p in aggregate.PAIRS}
                if len(totals) != 1 or set(pairs) - set(aggregate.PAIRS):
                    uneven.add(rid)  # each response counts once in every pair
                stored.setdefault(rid, {})[held] = pairs.get(aggregate.PAIRS[0], 0)
        rows = {rid: int(n) for rid, n in conn.execute(rows_q)}
        frozen = set(conn.execute(sa.select(frozen_table.c.round_id)).scalars())
        members = {rid: int(n) for rid, n in conn.execute(members_q)}
        bad = []
        for rid in sorted(set(stored) | set(rows)):
            got = stored.get(rid, {})
            if rid in uneven or sum(got.values()) != rows.get(rid, 0):
                bad.append(rid)
            elif rid in frozen and got.get(0, 0) != members.get(rid, 0):
                bad.append(rid)
            elif rid not in frozen and got.get(1, 0):
                bad.append(rid)
        return bad

    def _check_counts(self, ids: list[str] | None) -> None:
        """Count again the rounds whose stored counts do not match their responses; once per round and
        Storage (submissions and imports keep them right from then on, in their own transactions)."""
        checked: set = self.__dict__.setdefault("_counts_checked", set())
        if None in checked or (ids is not None and set(ids) <= checked):
            return
        todo = None if ids is None else [r for r in ids if r not in checked]
        with self._read() as conn:
            bad = self._count_mismatches(conn, todo)
        if bad:
            self.rebuild_counts(bad)
        checked.update([None] if todo is None else todo)

    def answer_counts(self, *, round_ids: Iterable[str] | str | None = None, released: bool = False) -> pd.DataFrame:
        """The aggregate of the stored responses (:mod:`analysis.aggregate`; columns :data:`analysis.aggregate.COLUMNS`).

        ``round_ids`` (a value or a list): of those rounds only.  ``released``:
        of a round whose table was released, only the counts of its frozen
        members (what readers without row data read, as
        :meth:`load_responses` with ``released=True``).  A round whose stored
        counts do not match its responses is counted again first.
        """
        ids = None if round_ids is None else ([round_ids] if isinstance(round_ids, str) else list(round_ids))
        if ids is not None and not ids:
            return aggregate.empty()
        self._check_counts(ids)
        with self._read() as conn:
            return _summed(conn, ids, released)

    def stored_counts(self) -> pd.DataFrame:
        """The ``answer_counts`` table as it is (with ``held`` and ``shard``), without any check: for tests and audits."""
        with self._read() as conn:
            rows = conn.execute(sa.select(counts_table).order_by(*[counts_table.c[k] for k in _KEY])).all()
        return pd.DataFrame.from_records(rows, columns=[*_KEY, "n"])
