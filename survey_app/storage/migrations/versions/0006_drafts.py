"""Drafts: a respondent's answers in progress, so a restart or reconnect loses nothing (issue 10).

Revision ID: 0006_drafts
Revises: 0005_accounts

``drafts`` holds, per random token that only the respondent's browser has, the
answers given so far (JSON, free text already scrubbed) and the step reached.
The token itself is not stored, only its SHA-256 (``token_hash``).  No access
code or code hash, no IP, no user agent, no time but ``expires_at``: a whole UTC
hour, at most 24 hours after the last save.  A draft is deleted in the
transaction that stores its response, and expired drafts are purged on start
and regularly (:mod:`survey_app.storage.drafts`).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_drafts"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_drafts"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_drafts_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_drafts_round_id", "drafts", ["round_id"])
    op.create_index("ix_drafts_expires_at", "drafts", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_drafts_expires_at", table_name="drafts")
    op.drop_index("ix_drafts_round_id", table_name="drafts")
    op.drop_table("drafts")
