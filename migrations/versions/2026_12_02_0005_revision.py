"""Revision stamps (revision: needs, areas) for what processes cache.

Revision ID: b7e3c9a15f22
Revises: 8d41f2a9c6e0
Create Date: 2026-12-02 20:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e3c9a15f22'
down_revision = '8d41f2a9c6e0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'revision',
        sa.Column('name', sa.String(length=30), nullable=False),
        sa.Column('value', sa.BigInteger(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade():
    op.drop_table('revision')
