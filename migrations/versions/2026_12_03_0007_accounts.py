"""Accounts, their grants (roles with a scope) and invitations (one-time links); the audit log learns the
entry a part belongs to (parent, parent_id) and why a change was made (note).

Revision ID: 7a1e4c9d2f58
Revises: 5c2d7e9a1b30
Create Date: 2026-12-03 07:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '7a1e4c9d2f58'
down_revision = '5c2d7e9a1b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('display_name', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=True),
        sa.Column('password_hash', sa.String(length=200), nullable=True),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('failed_logins', sa.Integer(), nullable=False),
        sa.Column('locked_at', sa.DateTime(), nullable=True),
        sa.Column('session_token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('last_login_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
        sa.UniqueConstraint('username', name=op.f('uq_account_username')),
    )
    op.create_table(
        'account_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_grant_account_id_account'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['area_id'], ['area_unit.id'], name=op.f('fk_account_grant_area_id_area_unit')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_account_grant_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_grant')),
    )
    op.create_index(op.f('ix_account_grant_account_id'), 'account_grant', ['account_id'])
    op.create_table(
        'account_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['account.id'],
                                name=op.f('fk_account_invitation_account_id_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_invitation_token_hash')),
    )
    op.create_index(op.f('ix_account_invitation_account_id'), 'account_invitation', ['account_id'])
    op.add_column('audit_entry', sa.Column('parent', sa.String(length=50), nullable=True))
    op.add_column('audit_entry', sa.Column('parent_id', sa.Integer(), nullable=True))
    op.add_column('audit_entry', sa.Column('note', sa.String(length=500), nullable=True))
    op.create_index('ix_audit_entry_parent', 'audit_entry', ['parent', 'parent_id'])


def downgrade():
    op.drop_index('ix_audit_entry_parent', table_name='audit_entry')
    with op.batch_alter_table('audit_entry') as batch:
        batch.drop_column('note')
        batch.drop_column('parent_id')
        batch.drop_column('parent')
    op.drop_index(op.f('ix_account_invitation_account_id'), table_name='account_invitation')
    op.drop_table('account_invitation')
    op.drop_index(op.f('ix_account_grant_account_id'), table_name='account_grant')
    op.drop_table('account_grant')
    op.drop_table('account')
