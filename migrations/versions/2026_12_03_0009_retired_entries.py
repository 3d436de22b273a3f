"""Organisations and locations can be retired and restored (a status, never a
deletion); existing ones are active.

Revision ID: 2c8d4f6a9e13
Revises: 9b3f6e1c4d27
Create Date: 2026-12-03 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '2c8d4f6a9e13'
down_revision = '9b3f6e1c4d27'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('organisation', 'location'):
        op.add_column(table, sa.Column('status', sa.String(length=20), server_default='active', nullable=False))


def downgrade():
    for table in ('organisation', 'location'):
        op.drop_column(table, 'status')  # SQLite >= 3.35 drops a column in place
