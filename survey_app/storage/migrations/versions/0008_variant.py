"""Easy-read version (issue 12): which version a response answered, and whether a round offers it.

Revision ID: 0008_variant
Revises: 0007_fast_checks

* ``responses.questionnaire_variant`` (optional column of contract 1.1):
  ``standaard`` or ``makkelijk``; NULL for responses stored before this
  revision and for imported files without the column (read as ``standaard``).
  Added in place (``ADD COLUMN`` with its CHECK), so the table stays
  ``WITHOUT ROWID`` on SQLite;
* ``rounds.easy_read``: the round offers the easy-read version (default true).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_variant"
down_revision = "0007_fast_checks"
branch_labels = None
depends_on = None

VARIANTS = ("standaard", "makkelijk")


def upgrade() -> None:
    # OR chain, not IN (...): SQLite builds a temporary table per row for IN (migration 0007)
    check = " OR ".join(f"questionnaire_variant = '{v}'" for v in VARIANTS)
    op.add_column(
        "responses",
        sa.Column("questionnaire_variant", sa.String(16), sa.CheckConstraint(check, name="ck_responses_variant")),
    )
    op.add_column("rounds", sa.Column("easy_read", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    # in place (SQLite >= 3.35, PostgreSQL): a batch copy of rounds would drop the table its
    # responses and drafts refer to (refused with foreign keys on); the column's own CHECK goes
    # with it, and the responses table is not rebuilt (a batch copy would rename its named constraints)
    op.execute("ALTER TABLE rounds DROP COLUMN easy_read")
    op.execute("ALTER TABLE responses DROP COLUMN questionnaire_variant")
