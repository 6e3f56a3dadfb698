"""The aggregate of each round's answers (issue 10 item 2).

Revision ID: 0011_answer_counts
Revises: 0010_frozen_members

``answer_counts`` (round_id, gi, respondent_type, measure_type, column, code,
column_2, code_2, held, shard, n): the respondents per selection and per combination
of the answers to a pair of questions (:mod:`survey_app.storage.counts`,
:mod:`analysis.aggregate`), kept on every submission and import.  Created
empty: the first read counts each round's stored responses (a read checks the
counts of every round against its responses and counts a round again when
they differ).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_answer_counts"
down_revision = "0010_frozen_members"
branch_labels = None
depends_on = None

_KEY = ("round_id", "gi", "respondent_type", "measure_type", "column", "code", "column_2", "code_2", "held", "shard")


def upgrade() -> None:
    op.create_table(
        "answer_counts",
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("gi", sa.String(20), nullable=False),
        sa.Column("respondent_type", sa.String(16), nullable=False),
        sa.Column("measure_type", sa.String(32), nullable=False),
        sa.Column("column", sa.String(40), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("column_2", sa.String(40), nullable=False),
        sa.Column("code_2", sa.String(32), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("shard", sa.String(2), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*_KEY, name="pk_answer_counts"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_answer_counts_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("answer_counts")
