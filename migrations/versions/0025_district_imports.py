"""imports of schools, staff and committee rosters

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 17:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    # Schools, staff accounts or committee rosters read from a file, staged between the preview
    # and the confirmation.
    op.create_table(
        "district_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind in ('schools', 'staff', 'rosters')",
            name=op.f("ck_district_import_import_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
            name=op.f("fk_district_import_district_id_district"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user.id"],
            name=op.f("fk_district_import_uploaded_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_import")),
    )
    # A school's grades as the district writes them: "K-5", "TK-8", "9-12".
    with op.batch_alter_table("school") as batch:
        batch.add_column(
            sa.Column("grades", sa.String(length=20), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("school") as batch:
        batch.drop_column("grades")
    op.drop_table("district_import")
