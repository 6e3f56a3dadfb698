"""Contract 1.1: institution codes of up to 20 characters (letters, digits, ``_`` or ``-``).

Revision ID: 0002_gi_codes_20
Revises: 0001_initial
``responses.gi`` grows from VARCHAR(10) to VARCHAR(20).  PostgreSQL alters the
column in place.  SQLite does not enforce the length but keeps it in the schema,
so the table is rebuilt from its own stored definition (WITHOUT ROWID, checks and
keys unchanged) with only the length of ``gi`` changed; rows are copied as they are.
Downgrading fails on PostgreSQL when a stored code is longer than 10 characters.
"""

import re

from alembic import op

revision = "0002_gi_codes_20"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def _sqlite_rebuild(old: int, new: int) -> None:
    conn = op.get_bind()
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'responses'").scalar_one()
    changed, n = re.subn(rf"(\bgi\s+VARCHAR\(){old}(\))", rf"\g<1>{new}\g<2>", sql, count=1)
    if n != 1:
        raise RuntimeError(f"responses.gi VARCHAR({old}) not found in the stored schema")
    changed, n = re.subn(r"^(\s*CREATE TABLE\s+)\"?responses\"?", r"\1responses_rebuilt", changed, count=1)
    if n != 1:
        raise RuntimeError("cannot rename the responses table definition")
    op.execute(changed)
    op.execute("INSERT INTO responses_rebuilt SELECT * FROM responses ORDER BY response_id")
    op.drop_index("ix_responses_round_id", table_name="responses")
    op.execute("DROP TABLE responses")
    op.execute("ALTER TABLE responses_rebuilt RENAME TO responses")
    op.create_index("ix_responses_round_id", "responses", ["round_id"])


def _resize(old: int, new: int) -> None:
    import sqlalchemy as sa

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rebuild(old, new)
    else:
        op.alter_column("responses", "gi", type_=sa.String(new), existing_type=sa.String(old), existing_nullable=False)


def upgrade() -> None:
    _resize(10, 20)


def downgrade() -> None:
    _resize(20, 10)
