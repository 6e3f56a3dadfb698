"""Rounds from the app: languages, archive, dates per institution, batches of invitations.

Revision ID: 0004
Revises: 0001_initial

* ``rounds.languages`` (the languages offered to respondents, comma-separated,
  default ``nl,en``) and ``rounds.archived``.
* ``round_gis``: one row per institution of a round with its own opening and
  closing day and whether it counts in the national figures.  A round without
  rows uses the round's dates for every institution.
* ``code_batches``: how many invitations (letters, with or without access
  code) were made per institution and respondent type, and in which ISO week.
  Only counts: no code, no hash, no link to ``access_codes`` or ``responses``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_app_meta"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch rebuild): rebuilding ``rounds`` would drop a table
    # that responses and codes point to, which SQLite refuses with foreign keys on.
    op.add_column("rounds", sa.Column("languages", sa.String(16), server_default="nl,en", nullable=False))
    op.add_column("rounds", sa.Column("archived", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "round_gis",
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("gi", sa.String(20), nullable=False),
        sa.Column("opens", sa.Date(), nullable=True),
        sa.Column("closes", sa.Date(), nullable=True),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "gi", name="pk_round_gis"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_round_gis_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "code_batches",
        sa.Column("batch_id", sa.String(32), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("gi", sa.String(20), nullable=False),
        sa.Column("respondent_type", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("n_letters", sa.Integer(), nullable=False),
        sa.Column("issued_week", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name="pk_code_batches"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_code_batches_round_id", ondelete="CASCADE"),
        sa.CheckConstraint("kind IN ('codes', 'open')", name="ck_code_batches_kind"),
        sa.CheckConstraint("n_letters > 0", name="ck_code_batches_n_letters"),
        sa.CheckConstraint("issued_week LIKE '____-W__'", name="ck_code_batches_issued_week"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_code_batches_round_id", "code_batches", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_code_batches_round_id", table_name="code_batches")
    op.drop_table("code_batches")
    op.drop_table("round_gis")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("archived")
        batch.drop_column("languages")
