"""comments on a district committee's agenda: feedback belongs to a school or the district

A comment names its district (backfilled from its school) and may have no school: a comment on a
district committee's posted agenda (a DELAC's), moderated by district staff.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 15:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
    op.execute(
        "update feedback set district_id = "
        "(select school.district_id from school where school.id = feedback.school_id)"
    )
    with op.batch_alter_table("feedback") as batch:
        batch.alter_column("district_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("school_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            op.f("fk_feedback_district_id_district"),
            "district",
            ["district_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_check_constraint(
            op.f("ck_feedback_feedback_has_district"), "district_id is not null"
        )
        batch.create_index(
            "ix_feedback_district_target", ["district_id", "target_type", "target_id"]
        )


def downgrade():
    # Comments on the district's own committees have no school to go back to.
    op.execute("delete from feedback where school_id is null")
    with op.batch_alter_table("feedback") as batch:
        batch.drop_index("ix_feedback_district_target")
        batch.drop_constraint(op.f("ck_feedback_feedback_has_district"), type_="check")
        batch.drop_constraint(op.f("fk_feedback_district_id_district"), type_="foreignkey")
        batch.alter_column("school_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("district_id")
