"""follows, notices, reminders and notice preferences

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("school_ids", sa.JSON(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("source_locale", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("ics_path", sa.String(length=300), nullable=False),
        sa.Column("short_kind", sa.String(length=16), nullable=False),
        sa.Column("short_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
            name=op.f("fk_notice_district_id_district"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("key", name=op.f("uq_notice_key")),
    )
    op.create_index(op.f("ix_notice_district_id"), "notice", ["district_id"], unique=False)
    op.create_table(
        "notice_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "frequency in ('now', 'daily', 'off')",
            name=op.f("ck_notice_preference_frequency_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notice_preference_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_preference")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notice_preference_user_id_kind")),
    )
    op.create_table(
        "answer_watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_answer_watch_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_watch")),
        sa.UniqueConstraint("feedback_id", name=op.f("uq_answer_watch_feedback_id")),
    )
    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "frequency in ('now', 'weekly')", name=op.f("ck_follow_frequency_known")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_follow_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_follow_subscriber_id_subscriber"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow")),
        sa.UniqueConstraint(
            "subscriber_id", "school_id", name=op.f("uq_follow_subscriber_id_school_id")
        ),
    )
    op.create_index(op.f("ix_follow_subscriber_id"), "follow", ["subscriber_id"], unique=False)
    op.create_table(
        "notice_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("digest_key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status in ('pending', 'sent')", name=op.f("ck_notice_delivery_status_known")
        ),
        sa.CheckConstraint(
            "(subscriber_id IS NULL) <> (user_id IS NULL)",
            name=op.f("ck_notice_delivery_one_recipient"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notice.id"],
            name=op.f("fk_notice_delivery_notice_id_notice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_notice_delivery_subscriber_id_subscriber"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notice_delivery_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_delivery")),
        sa.UniqueConstraint(
            "notice_id", "subscriber_id", name=op.f("uq_notice_delivery_notice_id_subscriber_id")
        ),
        sa.UniqueConstraint(
            "notice_id", "user_id", name=op.f("uq_notice_delivery_notice_id_user_id")
        ),
    )
    op.create_index(
        "ix_notice_delivery_status", "notice_delivery", ["status", "subscriber_id"], unique=False
    )


def downgrade():
    op.drop_index("ix_notice_delivery_status", table_name="notice_delivery")
    op.drop_table("notice_delivery")
    op.drop_index(op.f("ix_follow_subscriber_id"), table_name="follow")
    op.drop_table("follow")
    op.drop_table("answer_watch")
    op.drop_table("notice_preference")
    op.drop_index(op.f("ix_notice_district_id"), table_name="notice")
    op.drop_table("notice")
