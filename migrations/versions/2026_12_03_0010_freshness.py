"""Keeping the map current: verifications per section, the stale stage of a
service, update rounds with provider links, the outbox, and the source and
optional contact of a proposed change (an editor, a provider link, a public
report).

Revision ID: 4f1a7c2e8b60
Revises: 2c8d4f6a9e13
Create Date: 2026-12-03 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '4f1a7c2e8b60'
down_revision = '2c8d4f6a9e13'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('service', sa.Column('freshness_stage', sa.String(length=20), server_default='current',
                                       nullable=False))
    op.add_column('service', sa.Column('stage_since', sa.Date(), nullable=True))
    op.add_column('proposed_change', sa.Column('source', sa.String(length=20), server_default='editor',
                                               nullable=False))
    op.add_column('proposed_change', sa.Column('contact', sa.String(length=200), nullable=True))
    op.create_table(
        'update_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('selection', sa.JSON(), nullable=False),
        sa.Column('service_ids', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('closes_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('remind_after_days', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_update_round')),
    )
    op.create_table(
        'verification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('section', sa.String(length=20), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('how', sa.String(length=20), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_verification_service_id_service'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['update_round.id'], name=op.f('fk_verification_round_id_update_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_verification')),
    )
    op.create_index(op.f('ix_verification_service_id'), 'verification', ['service_id'])
    op.create_table(
        'provider_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('proposed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['round_id'], ['update_round.id'], name=op.f('fk_provider_link_round_id_update_round')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_provider_link_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_provider_link_token_hash')),
    )
    op.create_index(op.f('ix_provider_link_round_id'), 'provider_link', ['round_id'])
    op.create_index(op.f('ix_provider_link_organisation_id'), 'provider_link', ['organisation_id'])
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('purpose', sa.String(length=30), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    )


def downgrade():
    op.drop_table('outbox_message')
    op.drop_index(op.f('ix_provider_link_organisation_id'), table_name='provider_link')
    op.drop_index(op.f('ix_provider_link_round_id'), table_name='provider_link')
    op.drop_table('provider_link')
    op.drop_index(op.f('ix_verification_service_id'), table_name='verification')
    op.drop_table('verification')
    op.drop_table('update_round')
    # SQLite >= 3.35 drops a column in place
    op.drop_column('proposed_change', 'contact')
    op.drop_column('proposed_change', 'source')
    op.drop_column('service', 'stage_since')
    op.drop_column('service', 'freshness_stage')
