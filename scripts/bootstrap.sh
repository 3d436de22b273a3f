#!/usr/bin/env bash
# Set up everything socialmap needs on a Debian machine; safe to run again (fast then).
#   scripts/bootstrap.sh          system packages for running + Python venv + translations
#   scripts/bootstrap.sh --test   also PostgreSQL/PostGIS and Chromium for the tests
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- system packages --------------------------------------------------------
missing=()
# SpatiaLite, and the headers to build pysqlite3 and Shapely against the same
# SQLite and GEOS that SpatiaLite links (one copy of each per process).
for pkg in libsqlite3-mod-spatialite libsqlite3-dev libgeos-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "$want_test" = 1 ]; then
  pgver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1 || true)
  if [ -z "$pgver" ]; then missing+=(postgresql); pgver=15; fi
  dpkg -s "postgresql-$pgver-postgis-3" >/dev/null 2>&1 || missing+=("postgresql-$pgver-postgis-3")
  dpkg -s chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "socialmap needs these system packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# --- Python environment -------------------------------------------------------
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "socialmap needs Python 3.11 or newer; $PY is $("$PY" --version 2>&1)" >&2
  exit 1
fi
[ -x .venv/bin/python ] || { say "creating .venv"; "$PY" -m venv .venv; }
extras=""
[ "$want_test" = 1 ] && extras="[test]"
# Exactly the versions the tests passed with (requirements/*.lock, made by
# `make lock` from pyproject.toml); the test lock holds the run lock's too.
lock=requirements/run.lock
[ "$want_test" = 1 ] && lock=requirements/test.lock
stamp=".venv/.socialmap-installed$extras"
digest=$(sha256sum pyproject.toml scripts/bootstrap.sh requirements/run.lock requirements/test.lock \
  | sha256sum | cut -d' ' -f1)
installed=0
[ "$(cat "$stamp" 2>/dev/null)" = "$digest" ] && installed=1
# The test set-up includes everything `make run` needs.
[ -z "$extras" ] && [ "$(cat ".venv/.socialmap-installed[test]" 2>/dev/null)" = "$digest" ] && installed=1
# Source builds, not wheels, for these two: see socialmap/db.py.
from_source="pysqlite3,shapely"
if [ "$installed" = 0 ]; then
  say "installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip uninstall -q -y pysqlite3-binary >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q --no-binary "$from_source" -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$digest" > "$stamp"
fi

# One SQLite and one GEOS in the process: a wheel left from an older set-up
# bundles its own copy; rebuild it from source then.
native_check() {
  SPATIALITE_LIBRARY_PATH=mod_spatialite .venv/bin/python - <<'PY'
import sys
import pysqlite3.dbapi2 as sqlite
import shapely  # noqa: F401  (loads Shapely's GEOS)
conn = sqlite.connect(":memory:")
conn.enable_load_extension(True)
conn.load_extension("mod_spatialite")
from socialmap.db import native_library_problems
problems = native_library_problems()
print("\n".join(problems), file=sys.stderr)
sys.exit(1 if problems else 0)
PY
}
if ! native_check 2>/dev/null; then
  say "rebuilding pysqlite3 and Shapely against the system's SQLite and GEOS"
  .venv/bin/python -m pip uninstall -q -y pysqlite3-binary >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q --force-reinstall --no-deps --no-binary "$from_source" \
    "pysqlite3>=0.5.4" "shapely>=2.0,<3"
  native_check || { echo "pysqlite3/Shapely still bring their own SQLite or GEOS" >&2; exit 1; }
fi

# --- translations -------------------------------------------------------------
for po in socialmap/translations/*/LC_MESSAGES/messages.po; do
  [ -e "$po" ] || continue
  mo="${po%.po}.mo"
  if [ ! -e "$mo" ] || [ "$po" -nt "$mo" ]; then
    .venv/bin/pybabel compile -i "$po" -o "$mo" >/dev/null 2>&1 || { echo "could not compile $po" >&2; exit 1; }
  fi
done
