#!/usr/bin/env bash
# Start the local PostgreSQL cluster and make the test role and database (PostGIS).
# Prints the database URL for SOCIALMAP_TEST_POSTGRES_URL. Safe to run again.
set -euo pipefail
pgver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$pgver main$"; then
  pg_createcluster "$pgver" main >/dev/null 2>&1
fi
pg_ctlcluster "$pgver" main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 0.5
done
psql_su() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt $*"; }
if [ "$(psql_su "-c \"select 1 from pg_roles where rolname='socialmap'\"")" != 1 ]; then
  psql_su "-c \"create role socialmap login superuser password 'socialmap'\""
fi
if [ "$(psql_su "-c \"select 1 from pg_database where datname='socialmap_test'\"")" != 1 ]; then
  su postgres -c "createdb -O socialmap socialmap_test"
fi
echo "postgresql://socialmap:socialmap@127.0.0.1:5432/socialmap_test"
