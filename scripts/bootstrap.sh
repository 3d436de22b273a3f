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
dpkg -s libsqlite3-mod-spatialite >/dev/null 2>&1 || missing+=(libsqlite3-mod-spatialite)
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
stamp=".venv/.socialmap-installed$extras"
digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  say "installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$digest" > "$stamp"
fi

# --- translations -------------------------------------------------------------
for po in socialmap/translations/*/LC_MESSAGES/messages.po; do
  [ -e "$po" ] || continue
  mo="${po%.po}.mo"
  if [ ! -e "$mo" ] || [ "$po" -nt "$mo" ]; then
    .venv/bin/pybabel compile -i "$po" -o "$mo" >/dev/null 2>&1 || { echo "could not compile $po" >&2; exit 1; }
  fi
done
