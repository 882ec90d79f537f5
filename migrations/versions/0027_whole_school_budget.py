"""a whole-school budget: staff roles, salary tables, the base program, positions

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 19:43:40

"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("group", sa.String(length=24), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_locale", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
            name=op.f("fk_staff_role_district_id_district"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_role")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_staff_role_district_id_code")),
    )
    op.create_table(
        "base_program_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("staff_role_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("minimum_fte", sa.Integer(), nullable=False),
        sa.Column("students_per_fte", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "minimum_fte >= 0", name=op.f("ck_base_program_rule_minimum_fte_not_negative")
        ),
        sa.CheckConstraint(
            "students_per_fte IS NULL OR students_per_fte > 0",
            name=op.f("ck_base_program_rule_students_per_fte_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
            name=op.f("fk_base_program_rule_district_id_district"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_role_id"],
            ["staff_role.id"],
            name=op.f("fk_base_program_rule_staff_role_id_staff_role"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_base_program_rule")),
    )
    op.create_table(
        "salary_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_role_id", sa.Integer(), nullable=False),
        sa.Column("school_year_id", sa.Integer(), nullable=False),
        sa.Column("salary_cents", sa.BigInteger(), nullable=False),
        sa.Column("benefits_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "benefits_cents >= 0", name=op.f("ck_salary_rate_benefits_not_negative")
        ),
        sa.CheckConstraint("salary_cents >= 0", name=op.f("ck_salary_rate_salary_not_negative")),
        sa.ForeignKeyConstraint(
            ["school_year_id"],
            ["school_year.id"],
            name=op.f("fk_salary_rate_school_year_id_school_year"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_role_id"],
            ["staff_role.id"],
            name=op.f("fk_salary_rate_staff_role_id_staff_role"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_rate")),
        sa.UniqueConstraint(
            "staff_role_id",
            "school_year_id",
            name=op.f("uq_salary_rate_staff_role_id_school_year_id"),
        ),
    )
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "position_costing", sa.String(length=16), server_default="average", nullable=False
            )
        )

    with op.batch_alter_table("investment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recurrence", sa.String(length=16), server_default="ongoing", nullable=False)
        )
        batch_op.add_column(sa.Column("staff_role_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("fte", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("funding_stream_id", sa.Integer(), nullable=True))
        batch_op.alter_column("goal_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_investment_staff_role_id_staff_role"),
            "staff_role",
            ["staff_role_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_investment_funding_stream_id_funding_stream"),
            "funding_stream",
            ["funding_stream_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            "position_has_fte",
            "(staff_role_id IS NULL AND fte IS NULL) OR (staff_role_id IS NOT NULL AND fte > 0)",
        )


    # The finance system's files: salary averages per role and year, and school positions.
    with op.batch_alter_table("district_import") as batch_op:
        batch_op.drop_constraint(op.f("ck_district_import_import_kind_known"), type_="check")
        batch_op.create_check_constraint(
            "import_kind_known",
            "kind in ('schools', 'staff', 'rosters', 'salaries', 'positions')",
        )


def downgrade():
    op.execute("DELETE FROM district_import WHERE kind IN ('salaries', 'positions')")
    with op.batch_alter_table("district_import") as batch_op:
        batch_op.drop_constraint(op.f("ck_district_import_import_kind_known"), type_="check")
        batch_op.create_check_constraint(
            "import_kind_known", "kind in ('schools', 'staff', 'rosters')"
        )
    with op.batch_alter_table("investment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_investment_position_has_fte"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_investment_funding_stream_id_funding_stream"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_investment_staff_role_id_staff_role"), type_="foreignkey"
        )
        batch_op.alter_column("goal_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("funding_stream_id")
        batch_op.drop_column("fte")
        batch_op.drop_column("staff_role_id")
        batch_op.drop_column("recurrence")

    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.drop_column("position_costing")

    op.drop_table("salary_rate")
    op.drop_table("base_program_rule")
    op.drop_table("staff_role")
