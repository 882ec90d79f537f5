"""committees that belong to the district, not a school

A committee now names its district (backfilled from its school) and may have no school: the
district's own DELAC, budget advisory committee or advisory council. A member records whether
they are a district employee (the DELAC's parent majority counts only those who are not).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("committee") as batch:
        batch.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
    op.execute(
        "update committee set district_id = "
        "(select school.district_id from school where school.id = committee.school_id)"
    )
    with op.batch_alter_table("committee") as batch:
        batch.alter_column("district_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("school_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            op.f("fk_committee_district_id_district"),
            "district",
            ["district_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_check_constraint(
            op.f("ck_committee_committee_has_district"), "district_id is not null"
        )
    with op.batch_alter_table("committee_member") as batch:
        batch.add_column(
            sa.Column("district_employee", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("committee_member") as batch:
        batch.drop_column("district_employee")
    # The district's own committees have no school to go back to.
    op.execute("delete from committee where school_id is null")
    with op.batch_alter_table("committee") as batch:
        batch.drop_constraint(op.f("ck_committee_committee_has_district"), type_="check")
        batch.drop_constraint(op.f("fk_committee_district_id_district"), type_="foreignkey")
        batch.alter_column("school_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("district_id")
