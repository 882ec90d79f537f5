"""survey results at a million responses: respondents counted per group at submit

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 01:00:00

The results page counted respondents with a GROUP BY over every survey_response row (seconds at a
million responses). survey_respondent_tally holds the same counts per school x language x role x
channel, kept by the submitting transaction; this fills it from the responses already stored.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_respondent_tally",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("respondent_role", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_survey_respondent_tally_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "survey_id",
            "school_id",
            "language",
            "respondent_role",
            "channel",
            name=op.f("pk_survey_respondent_tally"),
        ),
    )
    op.execute(
        "INSERT INTO survey_respondent_tally"
        " (survey_id, school_id, language, respondent_role, channel, count)"
        " SELECT survey_id, COALESCE(school_id, 0), language, respondent_role, channel, count(*)"
        " FROM survey_response"
        " GROUP BY survey_id, COALESCE(school_id, 0), language, respondent_role, channel"
    )


def downgrade():
    op.drop_table("survey_respondent_tally")
