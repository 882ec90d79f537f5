"""votes: roll calls, and decisions taken on paper recorded after the fact

A district whose rules call for roll-call votes shows each member's vote publicly after the
close (`district.roll_call_votes`). A motion a past meeting decided on paper is entered by an
officer afterwards: who entered it, when, and the signed page it rests on (`motion.*`). The
unique key on (motion_id, member_id) that keeps one vote per member exists since 0008.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("roll_call_votes", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_afterwards_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("recorded_afterwards_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("signed_record_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_motion_recorded_afterwards_by_id_user"),
            "user",
            ["recorded_afterwards_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_motion_signed_record_id_meeting_document"),
            "meeting_document",
            ["signed_record_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_motion_signed_record_id_meeting_document"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_motion_recorded_afterwards_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("signed_record_id")
        batch_op.drop_column("recorded_afterwards_at")
        batch_op.drop_column("recorded_afterwards_by_id")
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.drop_column("roll_call_votes")
