"""Referral routes: routes, their steps and the transitions between them.

Plain tables (no geometry): a route's scope is an area unit, its owner an
organisation; steps and transitions go with their route (ON DELETE CASCADE).

Revision ID: 5c2f0e7a1d93
Revises: 9504f7f18b2d
Create Date: 2026-11-24 05:59:13.464227
"""
from alembic import op
import sqlalchemy as sa


revision = '5c2f0e7a1d93'
down_revision = '9504f7f18b2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['organisation.id'], name=op.f('fk_referral_route_owner_id_organisation')),
    sa.ForeignKeyConstraint(['scope_id'], ['area_unit.id'], name=op.f('fk_referral_route_scope_id_area_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_route')),
    sa.UniqueConstraint('key', name=op.f('uq_referral_route_key'))
    )
    with op.batch_alter_table('referral_route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_route_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_route_scope_id'), ['scope_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_route_status'), ['status'], unique=False)

    op.create_table('route_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('is_entry', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('performer', sa.Text(), nullable=True),
    sa.Column('activity', sa.Text(), nullable=True),
    sa.Column('duration', sa.String(length=200), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('client_present', sa.String(length=10), nullable=False),
    sa.Column('wait_days', sa.Integer(), nullable=True),
    sa.Column('service_kinds', sa.JSON(), nullable=False),
    sa.Column('service_needs', sa.JSON(), nullable=False),
    sa.Column('service_domains', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['route_id'], ['referral_route.id'], name=op.f('fk_route_step_route_id_referral_route'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_route_step')),
    sa.UniqueConstraint('route_id', 'key', name=op.f('uq_route_step_route_id'))
    )
    with op.batch_alter_table('route_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_route_step_route_id'), ['route_id'], unique=False)

    op.create_table('route_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('from_step_id', sa.Integer(), nullable=False),
    sa.Column('to_step_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=True),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('urgencies', sa.JSON(), nullable=False),
    sa.Column('flags_required', sa.JSON(), nullable=False),
    sa.Column('flags_favoured', sa.JSON(), nullable=False),
    sa.Column('flags_excluded', sa.JSON(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('referral_letter', sa.Boolean(), nullable=False),
    sa.Column('client_consent', sa.Boolean(), nullable=False),
    sa.Column('appointment_by', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('instructions', sa.Text(), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_step_id'], ['route_step.id'], name=op.f('fk_route_transition_from_step_id_route_step'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['route_id'], ['referral_route.id'], name=op.f('fk_route_transition_route_id_referral_route'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_step_id'], ['route_step.id'], name=op.f('fk_route_transition_to_step_id_route_step'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_route_transition'))
    )
    with op.batch_alter_table('route_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_route_transition_from_step_id'), ['from_step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_route_transition_route_id'), ['route_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_route_transition_to_step_id'), ['to_step_id'], unique=False)



def downgrade():
    with op.batch_alter_table('route_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_route_transition_to_step_id'))
        batch_op.drop_index(batch_op.f('ix_route_transition_route_id'))
        batch_op.drop_index(batch_op.f('ix_route_transition_from_step_id'))

    op.drop_table('route_transition')
    with op.batch_alter_table('route_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_route_step_route_id'))

    op.drop_table('route_step')
    with op.batch_alter_table('referral_route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_route_status'))
        batch_op.drop_index(batch_op.f('ix_referral_route_scope_id'))
        batch_op.drop_index(batch_op.f('ix_referral_route_owner_id'))

    op.drop_table('referral_route')
