"""Locations: an approximate flag for points placed at a postcode's centre.

A location given with a postcode but no coordinates is put at the centroid of
its 4-digit postcode area; pages say so. Existing locations are exact.

Revision ID: 3e8b1c6d2a47
Revises: 5c2f0e7a1d93
Create Date: 2026-12-02 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '3e8b1c6d2a47'
down_revision = '5c2f0e7a1d93'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('location', sa.Column('approximate', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('location', 'approximate')  # SQLite >= 3.35 drops a column in place
