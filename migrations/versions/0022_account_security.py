"""staff session limits, password hashes and two-factor sign-in

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 16:45:00

Password hashes need no change: argon2id hashes fit the existing column, and older scrypt or
pbkdf2 hashes are upgraded one by one as people sign in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("district") as batch:
        batch.add_column(sa.Column("session_idle_minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("session_max_hours", sa.Integer(), nullable=True))
    op.create_table(
        "two_factor_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sealed_secret", sa.String(length=200), nullable=False),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_step", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_two_factor_secret_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_two_factor_secret")),
        sa.UniqueConstraint("user_id", name=op.f("uq_two_factor_secret_user_id")),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_recovery_code_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_table("two_factor_secret")
    with op.batch_alter_table("district") as batch:
        batch.drop_column("session_max_hours")
        batch.drop_column("session_idle_minutes")
