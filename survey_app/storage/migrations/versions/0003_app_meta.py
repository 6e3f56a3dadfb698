"""app_meta: facts about the database itself (the fingerprint of the access-code key).

Revision ID: 0003_app_meta
Revises: 0001_initial
One row per fact, ``key`` -> ``value``; ``code_key_fingerprint`` is the
HMAC-SHA256 of a fixed label under the key that hashes the access codes
(:func:`survey_app.storage.codes.key_fingerprint`), never the key.  Nothing
in this table refers to responses.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_app_meta"
down_revision = "0002_gi_codes_20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_app_meta"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("app_meta")
