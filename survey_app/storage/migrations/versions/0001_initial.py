"""Initial schema: rounds, access codes, submission tokens, responses (data contract v1).

Revision ID: 0001_initial
Revises:
Frozen copy of the contract v1 codes (a later contract change needs a new revision).
Anonymity: responses hold the contract columns only, keyed by a random UUID4
(SQLite: WITHOUT ROWID, PostgreSQL: no serial); codes carry no used_at and no
link to responses; using a code deletes its unused_codes row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

CODES = {
    "respondent_type": ("ouder", "jeugdige"),
    "measure_type": ("jeugdreclassering", "ots", "voogdij", "weet_niet"),
    "had_gap": ("ja", "nee", "weet_niet"),
    "contact_one_on_one": ("meer_dan_1", "1_keer", "nooit", "weet_niet"),
    "explained_at_start": ("ja", "een_beetje", "nee", "weet_niet"),
    "opinion_asked": ("altijd", "vaak", "soms", "nee"),
    "involved_in_decisions": ("altijd", "soms", "nee"),
    "asked_life_domains": ("ja", "een_beetje", "nee"),
    "asked_safety": ("ja", "een_beetje", "nee"),
    "say_in_plan": ("ja", "nee", "geen_plan_bekend"),
    "help_improves": ("ja", "niet_helemaal", "nee"),
    "quality_time_attention": ("ja", "een_beetje", "nee"),
    "quality_understanding": ("ja", "een_beetje", "nee"),
    "quality_respectful": ("ja", "een_beetje", "nee"),
    "quality_expert": ("ja", "een_beetje", "nee"),
    "quality_clear": ("ja", "een_beetje", "nee"),
    "quality_reachable": ("ja", "een_beetje", "nee"),
}
INT_RANGES = {"n_workers": (0, 6), "grade": (1, 10)}
ITEMS = (
    "measure_type",
    "n_workers",
    "had_gap",
    "contact_one_on_one",
    "explained_at_start",
    "opinion_asked",
    "involved_in_decisions",
    "asked_life_domains",
    "asked_safety",
    "say_in_plan",
    "help_improves",
    "quality_time_attention",
    "quality_understanding",
    "quality_respectful",
    "quality_expert",
    "quality_clear",
    "quality_reachable",
    "grade",
    "comment_grade",
    "comment_improve",
)
COMMENTS = ("comment_grade", "comment_improve")


def _in(col, codes):
    return f"{col} IN (" + ", ".join(f"'{c}'" for c in codes) + ")"


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("gis", sa.String(400), nullable=False),
        sa.Column("respondent_types", sa.String(100), nullable=False),
        sa.Column("opens", sa.Date(), nullable=True),
        sa.Column("closes", sa.Date(), nullable=True),
        sa.Column("access", sa.String(8), nullable=False),
        sa.Column("questionnaire_version", sa.String(64), nullable=False),
        sa.Column("closed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.CheckConstraint("access IN ('open', 'codes')", name="ck_rounds_access"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "access_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("code_hash", name="pk_access_codes"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_access_codes_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_access_codes_round_id", "access_codes", ["round_id"])
    op.create_table(
        "unused_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("code_hash", name="pk_unused_codes"),
        sa.ForeignKeyConstraint(
            ["code_hash"], ["access_codes.code_hash"], name="fk_unused_codes_code_hash", ondelete="CASCADE"
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "submission_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_submission_tokens"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_submission_tokens_round_id", ondelete="CASCADE"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_submission_tokens_round_id", "submission_tokens", ["round_id"])

    cols = [
        sa.Column(
            "response_id", sa.String(36).with_variant(sa.String(36, collation="C"), "postgresql"), nullable=False
        ),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("gi", sa.String(10), nullable=False),
        sa.Column("respondent_type", sa.String(16), nullable=False),
        sa.Column("submitted_week", sa.String(8), nullable=False),
    ]
    for c in ITEMS:
        if c in INT_RANGES:
            cols.append(sa.Column(c, sa.Integer(), nullable=True))
        elif c in COMMENTS:
            cols.append(sa.Column(c, sa.Text(), nullable=True))
        else:
            cols.append(sa.Column(c, sa.String(32), nullable=True))
    checks = [sa.CheckConstraint("submitted_week LIKE '____-W__'", name="ck_responses_submitted_week")]
    checks += [sa.CheckConstraint(_in(c, codes), name=f"ck_responses_{c}") for c, codes in CODES.items()]
    checks += [
        sa.CheckConstraint(f"{c} BETWEEN {lo} AND {hi}", name=f"ck_responses_{c}") for c, (lo, hi) in INT_RANGES.items()
    ]
    op.create_table(
        "responses",
        *cols,
        *checks,
        sa.PrimaryKeyConstraint("response_id", name="pk_responses"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_responses_round_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_responses_round_id", "responses", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_responses_round_id", table_name="responses")
    op.drop_table("responses")
    op.drop_index("ix_submission_tokens_round_id", table_name="submission_tokens")
    op.drop_table("submission_tokens")
    op.drop_table("unused_codes")
    op.drop_index("ix_access_codes_round_id", table_name="access_codes")
    op.drop_table("access_codes")
    op.drop_table("rounds")
