"""large PDFs produced in the background

A packet of paper survey sheets too large for one request is a job in this table: `flask work`
claims it, makes the PDF a part at a time and keeps it here until it is downloaded and purged.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 16:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state in ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_document_job_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
            name=op.f("fk_document_job_district_id_district"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_document_job_requested_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_job")),
    )
    with op.batch_alter_table("document_job") as batch:
        batch.create_index("ix_document_job_district_id", ["district_id"])
        batch.create_index("ix_document_job_subject_id", ["subject_id"])
        batch.create_index("ix_document_job_state_id", ["state", "id"])


def downgrade():
    with op.batch_alter_table("document_job") as batch:
        batch.drop_index("ix_document_job_state_id")
        batch.drop_index("ix_document_job_subject_id")
        batch.drop_index("ix_document_job_district_id")
    op.drop_table("document_job")
