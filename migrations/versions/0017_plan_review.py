"""district review of approved plans: submitted, returned with comments, accepted, board approval

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

REVIEW_STATUSES = "'not_submitted', 'submitted', 'returned', 'accepted', 'board_approved'"


def upgrade():
    with op.batch_alter_table("school_plan") as batch:
        batch.add_column(
            sa.Column(
                "review_status",
                sa.String(length=16),
                nullable=False,
                server_default="not_submitted",
            )
        )
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("board_approved_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("board_minutes_url", sa.String(length=500), nullable=False, server_default="")
        )
        batch.create_check_constraint(
            op.f("ck_school_plan_review_status_known"), f"review_status in ({REVIEW_STATUSES})"
        )
    op.create_table(
        "plan_review_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_plan_review_comment_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["school_plan.id"],
            name=op.f("fk_plan_review_comment_plan_id_school_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_review_comment")),
    )


def downgrade():
    op.drop_table("plan_review_comment")
    with op.batch_alter_table("school_plan") as batch:
        batch.drop_constraint(op.f("ck_school_plan_review_status_known"), type_="check")
        batch.drop_column("board_minutes_url")
        batch.drop_column("board_approved_on")
        batch.drop_column("accepted_at")
        batch.drop_column("returned_at")
        batch.drop_column("submitted_at")
        batch.drop_column("review_status")
