"""Changes proposed by organisation editors wait for a coordinator
(proposed_change); an organisation can be trusted (its editors' changes apply
at once).

Revision ID: 9b3f6e1c4d27
Revises: 7a1e4c9d2f58
Create Date: 2026-12-03 07:05:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '9b3f6e1c4d27'
down_revision = '7a1e4c9d2f58'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('organisation', sa.Column('trusted', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'proposed_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity', sa.String(length=50), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('entity_key', sa.String(length=100), nullable=False),
        sa.Column('proposed_by', sa.String(length=200), nullable=False),
        sa.Column('base', sa.JSON(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_note', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposed_change')),
    )
    op.create_index(op.f('ix_proposed_change_entity_id'), 'proposed_change', ['entity_id'])
    op.create_index(op.f('ix_proposed_change_status'), 'proposed_change', ['status'])


def downgrade():
    op.drop_index(op.f('ix_proposed_change_status'), table_name='proposed_change')
    op.drop_index(op.f('ix_proposed_change_entity_id'), table_name='proposed_change')
    op.drop_table('proposed_change')
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('trusted')
