"""The catalogue: areas, needs, organisations, locations, services.

Revision ID: 9504f7f18b2d
Revises: 
Create Date: 2026-11-24 05:41:32.373764
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = '9504f7f18b2d'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_geospatial_table('area_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['area_unit.id'], name=op.f('fk_area_unit_parent_id_area_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_area_unit_code'))
    )
    with op.batch_alter_table('area_unit', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_area_unit_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index('ix_area_unit_level_name', ['level', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('need_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['need_term.id'], name=op.f('fk_need_term_parent_id_need_term')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_term')),
    sa.UniqueConstraint('code', name=op.f('uq_need_term_code'))
    )
    with op.batch_alter_table('need_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_term_parent_id'), ['parent_id'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('kvk_number', sa.String(length=8), nullable=True),
    sa.Column('agb_code', sa.String(length=8), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('key', name=op.f('uq_organisation_key'))
    )
    op.create_geospatial_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('house_number', sa.String(length=20), nullable=False),
    sa.Column('postcode', sa.String(length=7), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['area_unit.id'], name=op.f('fk_location_neighbourhood_id_area_unit')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_location_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location')),
    sa.UniqueConstraint('key', name=op.f('uq_location_key'))
    )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_location_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_location_neighbourhood_id'), ['neighbourhood_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('cost_note', sa.Text(), nullable=True),
    sa.Column('status_note', sa.Text(), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('cost_type', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('open_24_7', sa.Boolean(), nullable=False),
    sa.Column('closed_on_public_holidays', sa.Boolean(), nullable=False),
    sa.Column('waiting_weeks', sa.Integer(), nullable=True),
    sa.Column('waiting_updated', sa.Date(), nullable=True),
    sa.Column('verified_at', sa.Date(), nullable=True),
    sa.Column('verified_by', sa.String(length=200), nullable=True),
    sa.Column('review_interval_days', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_service_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service')),
    sa.UniqueConstraint('key', name=op.f('uq_service_key'))
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_status'), ['status'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=300), nullable=True),
    sa.Column('hours', sa.String(length=200), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_contact_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact'))
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_service_id'), ['service_id'], unique=False)

    op.create_table('schedule_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=True),
    sa.Column('closes_at', sa.Time(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_schedule_exception_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_exception'))
    )
    with op.batch_alter_table('schedule_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_exception_service_id'), ['service_id'], unique=False)

    op.create_table('schedule_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('freq', sa.String(length=10), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('nth', sa.Integer(), nullable=True),
    sa.Column('dtstart', sa.Date(), nullable=True),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('closes_at', sa.Time(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_schedule_rule_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_rule'))
    )
    with op.batch_alter_table('schedule_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_rule_service_id'), ['service_id'], unique=False)

    op.create_table('service_area',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area_unit.id'], name=op.f('fk_service_area_area_id_area_unit')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_area_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'area_id', name=op.f('pk_service_area'))
    )
    with op.batch_alter_table('service_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_area_area_id'), ['area_id'], unique=False)

    op.create_table('service_facet',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('facet', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_facet_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'facet', 'code', name=op.f('pk_service_facet'))
    )
    with op.batch_alter_table('service_facet', schema=None) as batch_op:
        batch_op.create_index('ix_service_facet_facet_code', ['facet', 'code'], unique=False)

    op.create_table('service_location',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_service_location_location_id_location'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_location_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'location_id', name=op.f('pk_service_location'))
    )
    with op.batch_alter_table('service_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_location_location_id'), ['location_id'], unique=False)

    op.create_table('service_need',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['need_term.id'], name=op.f('fk_service_need_need_id_need_term')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_service_need_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'need_id', name=op.f('pk_service_need'))
    )
    with op.batch_alter_table('service_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_need_need_id'), ['need_id'], unique=False)



def downgrade():
    with op.batch_alter_table('service_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_need_need_id'))

    op.drop_table('service_need')
    with op.batch_alter_table('service_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_location_location_id'))

    op.drop_table('service_location')
    with op.batch_alter_table('service_facet', schema=None) as batch_op:
        batch_op.drop_index('ix_service_facet_facet_code')

    op.drop_table('service_facet')
    with op.batch_alter_table('service_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_area_area_id'))

    op.drop_table('service_area')
    with op.batch_alter_table('schedule_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_rule_service_id'))

    op.drop_table('schedule_rule')
    with op.batch_alter_table('schedule_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_exception_service_id'))

    op.drop_table('schedule_exception')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_service_id'))

    op.drop_table('contact')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_status'))
        batch_op.drop_index(batch_op.f('ix_service_organisation_id'))

    op.drop_table('service')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_location_neighbourhood_id'))
        batch_op.drop_geospatial_index('idx_location_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('location')
    op.drop_table('organisation')
    with op.batch_alter_table('need_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_term_parent_id'))

    op.drop_table('need_term')
    with op.batch_alter_table('area_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_unit_parent_id'))
        batch_op.drop_index('ix_area_unit_level_name')
        batch_op.drop_geospatial_index('idx_area_unit_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('area_unit')
