"""Easy-read version (issue 12): which version a response answered, and whether a round offers it.

Revision ID: 0007_variant
Revises: 0005_accounts

* ``responses.questionnaire_variant`` (optional column of contract 1.1):
  ``standaard`` or ``makkelijk``; NULL for responses stored before this
  revision and for imported files without the column (read as ``standaard``).
  Added in place (``ADD COLUMN`` with its CHECK), so the table stays
  ``WITHOUT ROWID`` on SQLite;
* ``rounds.easy_read``: the round offers the easy-read version (default true).

Named 0007 because another branch adds a 0006; the lead re-chains
``down_revision`` at merge.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_variant"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None

VARIANTS = ("standaard", "makkelijk")


def upgrade() -> None:
    check = "questionnaire_variant IN (" + ", ".join(f"'{v}'" for v in VARIANTS) + ")"
    op.add_column(
        "responses",
        sa.Column("questionnaire_variant", sa.String(16), sa.CheckConstraint(check, name="ck_responses_variant")),
    )
    op.add_column("rounds", sa.Column("easy_read", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("easy_read")
    # in place (SQLite >= 3.35, PostgreSQL): the column's own CHECK goes with it, and the
    # responses table is not rebuilt (a batch copy would rename its named constraints)
    op.execute("ALTER TABLE responses DROP COLUMN questionnaire_variant")
