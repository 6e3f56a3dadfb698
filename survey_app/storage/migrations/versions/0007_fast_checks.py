"""SQLite: the code checks of ``responses`` as ``col = 'a' OR col = 'b'`` instead of ``col IN ('a', 'b')``.

Revision ID: 0007_fast_checks
Revises: 0006_drafts

SQLite evaluates ``CHECK (col IN (...))`` by building a temporary table for the
list on every row written: twenty of them per response made a bulk import six
times slower than the insert itself (issue 10: 100,000 rows 7.6 s -> 1.2 s).
The comparisons accept and refuse exactly the same values (NULL passes both).
The table is rebuilt from its own stored definition (WITHOUT ROWID, keys,
names of the constraints unchanged), rows copied in ``response_id`` order.
PostgreSQL is left as it is (its ``IN`` is an array test, no slower).
"""

import re

from alembic import op

revision = "0007_fast_checks"
down_revision = "0006_drafts"
branch_labels = None
depends_on = None

_IN = re.compile(r"CHECK \((\w+) IN \(([^)]*)\)\)")
_OR = re.compile(r"CHECK \(((\w+) = '[^']*'(?: OR \2 = '[^']*')*)\)")


def _to_or(m: re.Match) -> str:
    col = m.group(1)
    return "CHECK (" + " OR ".join(f"{col} = {v.strip()}" for v in m.group(2).split(",")) + ")"


def _to_in(m: re.Match) -> str:
    col = m.group(2)
    values = re.findall(r"= ('[^']*')", m.group(1))
    return f"CHECK ({col} IN ({', '.join(values)}))"


def _rebuild(pattern: re.Pattern, repl) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'responses'").scalar_one()
    changed = pattern.sub(repl, sql)
    changed, n = re.subn(r"^(\s*CREATE TABLE\s+)\"?responses\"?", r"\1responses_rebuilt", changed, count=1)
    if n != 1:
        raise RuntimeError("cannot rename the responses table definition")
    op.execute(changed)
    op.execute("INSERT INTO responses_rebuilt SELECT * FROM responses ORDER BY response_id")
    op.drop_index("ix_responses_round_id", table_name="responses")
    op.execute("DROP TABLE responses")
    op.execute("ALTER TABLE responses_rebuilt RENAME TO responses")
    op.create_index("ix_responses_round_id", "responses", ["round_id"])


def upgrade() -> None:
    _rebuild(_IN, _to_or)


def downgrade() -> None:
    _rebuild(_OR, _to_in)
