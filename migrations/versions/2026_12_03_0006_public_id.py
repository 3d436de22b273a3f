"""Stable public identifiers (public_id, a UUID) for services, organisations
and locations: uuid5 of the table and key, the same as new records get
(socialmap.db.public_id_for), so existing rows and reloads agree.

Revision ID: 5c2d7e9a1b30
Revises: b7e3c9a15f22
Create Date: 2026-12-03 06:40:00.000000
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '5c2d7e9a1b30'
down_revision = 'b7e3c9a15f22'
branch_labels = None
depends_on = None

TABLES = ('service', 'organisation', 'location')
# The same namespace as socialmap.db.PUBLIC_ID_NAMESPACE, written out: a
# migration keeps doing what it did even when the code moves on.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "socialmap.nl/ids")


def upgrade():
    bind = op.get_bind()
    for table in TABLES:
        op.add_column(table, sa.Column('public_id', sa.Uuid(), nullable=True))
        t = sa.table(table, sa.column('id', sa.Integer), sa.column('key', sa.String),
                     sa.column('public_id', sa.Uuid()))
        rows = bind.execute(sa.select(t.c.id, t.c.key)).all()
        for row_id, key in rows:
            bind.execute(t.update().where(t.c.id == row_id).values(public_id=uuid.uuid5(NAMESPACE, f"{table}/{key}")))
        op.create_index(f'ix_{table}_public_id', table, ['public_id'], unique=True)


def downgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_public_id', table_name=table)
        op.drop_column(table, 'public_id')
