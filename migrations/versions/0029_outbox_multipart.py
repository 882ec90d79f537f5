"""the outbox sends multipart messages and claims in batches

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 20:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    # An HTML alternative and small text attachments (a meeting's .ics); when a sender claimed
    # a row, so a crashed sender's claim can be taken back; and "failed" after too many tries.
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f("ck_outbox_message_status_known"), type_="check")
        batch_op.create_check_constraint(
            "status_known", "status in ('queued', 'sending', 'sent', 'failed')"
        )


def downgrade():
    op.execute("UPDATE outbox_message SET status = 'queued' WHERE status = 'failed'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_message_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", "status in ('queued', 'sending', 'sent')")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("attachments")
        batch_op.drop_column("body_html")
