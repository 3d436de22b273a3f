"""Optimistic locking (row_version) on services, organisations, locations and
routes; the audit log (audit_entry: who changed which field, before and after).

Existing rows start at version 1.

Revision ID: 8d41f2a9c6e0
Revises: 3e8b1c6d2a47
Create Date: 2026-12-02 19:45:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '8d41f2a9c6e0'
down_revision = '3e8b1c6d2a47'
branch_labels = None
depends_on = None

VERSIONED = ('service', 'organisation', 'location', 'referral_route')


def upgrade():
    for table in VERSIONED:
        op.add_column(table, sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('entity', sa.String(length=50), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('entity_key', sa.String(length=100), nullable=True),
        sa.Column('field', sa.String(length=100), nullable=True),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_entry_at', 'audit_entry', ['at'])
    op.create_index('ix_audit_entry_actor', 'audit_entry', ['actor'])
    op.create_index('ix_audit_entry_entity', 'audit_entry', ['entity', 'entity_id'])


def downgrade():
    op.drop_table('audit_entry')
    for table in VERSIONED:
        op.drop_column(table, 'row_version')
