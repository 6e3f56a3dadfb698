"""The hidden cells of a round's protected table at close (issue 9, H5: freeze, then sticky).

Revision ID: 0009_frozen_table
Revises: 0008_variant

``frozen_tables`` holds, per round whose figures were released (its fieldwork
closed for every institution), the cells its protected table hid then: JSON
keys and statuses only, no sizes, no time (:mod:`survey_app.storage.frozen`).
Every later build of the table passes them as ``previous`` (sticky
suppression after a reopen or an import).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_frozen_table"
down_revision = "0008_variant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "frozen_tables",
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("n_cells", sa.Integer(), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("round_id", name="pk_frozen_tables"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_frozen_tables_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("frozen_tables")
