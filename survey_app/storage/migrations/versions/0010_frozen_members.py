"""What a round's released figures are made of, kept for good (issue 9: imports after close).

Revision ID: 0010_frozen_members
Revises: 0009_frozen_table

* ``frozen_members`` (response_id, round_id): the responses of a round's
  protected table on the first build after its fieldwork closed for every
  institution (the table readers without row data see).  Later responses of
  that round -- paper questionnaires imported after close, answers after a
  reopen -- never enter their table: two versions of a released table would
  give away, cell by cell, the answers of the rows added in between.  No
  time, no code, nothing but which response was in the table.
* ``frozen_families`` (round_id, family, n_cells, cells): the hidden cells of
  a family built on demand (Verbanden: ``crosstab:*``, ``grade:*``) the first
  time it was built for a released round; kept like ``frozen_tables``.

A round frozen before this revision gets every response it has now as its
members (the best that can be known afterwards).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_frozen_members"
down_revision = "0009_frozen_table"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frozen_members",
        sa.Column("response_id", sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql"), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("response_id", name="pk_frozen_members"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_frozen_members_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_frozen_members_round_id", "frozen_members", ["round_id"])
    op.create_table(
        "frozen_families",
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("family", sa.String(200), nullable=False),
        sa.Column("n_cells", sa.Integer(), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "family", name="pk_frozen_families"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_frozen_families_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO frozen_members (response_id, round_id) "
        "SELECT r.response_id, r.round_id FROM responses r JOIN frozen_tables f ON f.round_id = r.round_id"
    )


def downgrade() -> None:
    op.drop_table("frozen_families")
    op.drop_index("ix_frozen_members_round_id", table_name="frozen_members")
    op.drop_table("frozen_members")
