#!/usr/bin/env bash
# Makes sure a PostgreSQL server and the TimescaleDB extension are installed on this machine.
# Idempotent: a fast no-op when both are present.
#
# Order of preference for the extension:
#   1. the vendor package timescaledb-2-postgresql-<N> (community edition), when an apt source offers it;
#   2. the Apache edition built from Debian's `timescaledb` source package (trixie).
# When it cannot install (not root, not Debian/Ubuntu), it prints what to do instead and exits 0,
# so callers can still use TRADING_TIMESCALE_CONNECTION or Docker.
#
# With TRADING_TIMESCALE_CONNECTION set, the tests use that server and nothing is installed. --local-server installs
# all the same: the demo always starts its own throwaway server and never uses TRADING_TIMESCALE_CONNECTION.
set -euo pipefail

local_server=0
case "${1:-}" in
  --local-server) local_server=1 ;;
  "") ;;
  *) printf '[ensure-timescaledb] unknown argument %s (usage: ensure-timescaledb.sh [--local-server])\n' "$1" >&2; exit 2 ;;
esac

PG_MAJOR="${PG_MAJOR:-15}"
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
PG_EXT_DIR="/usr/share/postgresql/${PG_MAJOR}/extension"
SOURCE_SUITE="${TIMESCALEDB_SOURCE_SUITE:-trixie}"
CACHE_DIR="${TRADING_TIMESCALE_CACHE:-/var/cache/trading-timescale}"

log() { printf '[ensure-timescaledb] %s\n' "$*" >&2; }

advise() {
  log "$1"
  log "To run the tests or the demo anyway, do one of these:"
  log "  - for the tests, set TRADING_TIMESCALE_CONNECTION to a PostgreSQL server with TimescaleDB, e.g."
  log "    export TRADING_TIMESCALE_CONNECTION='Host=localhost;Username=postgres;Password=...;Database=postgres'"
  log "  - for the demo, name an empty database: ./build.sh demo --connection-file FILE (or --database-url URL)"
  log "  - start a Docker engine: the test-server provider and the demo then use the timescale/timescaledb image"
  log "  - install PostgreSQL ${PG_MAJOR} and timescaledb-2-postgresql-${PG_MAJOR} yourself"
}

has_server() { [ -x "${PG_BIN}/postgres" ] && [ -x "${PG_BIN}/initdb" ]; }
has_extension() { [ -f "${PG_EXT_DIR}/timescaledb.control" ] && ls /usr/lib/postgresql/${PG_MAJOR}/lib/timescaledb*.so >/dev/null 2>&1; }

if [ -n "${TRADING_TIMESCALE_CONNECTION:-}" ] && [ "$local_server" = 0 ]; then
  log "TRADING_TIMESCALE_CONNECTION is set: using that server, nothing to install."
  exit 0
fi

has_client_tools() { [ -x "${PG_BIN}/pg_dump" ] && [ -x "${PG_BIN}/pg_restore" ] && [ -x "${PG_BIN}/pg_basebackup" ]; }

# Backups and their tests run pg_dump, pg_restore and pg_basebackup of the server's major version.
if has_server && ! has_client_tools && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  log "installing postgresql-client-${PG_MAJOR} (pg_dump, pg_restore, pg_basebackup)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-client-${PG_MAJOR}" >/dev/null
fi

if has_server && has_extension; then
  log "PostgreSQL ${PG_MAJOR} and TimescaleDB are installed."
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  advise "PostgreSQL ${PG_MAJOR} with TimescaleDB is not fully installed and this is not root, so nothing is installed."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  advise "PostgreSQL ${PG_MAJOR} with TimescaleDB is not fully installed and this machine has no apt-get."
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_update() { if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi; }

if ! has_server; then
  log "installing postgresql-${PG_MAJOR}"
  apt_update
  apt-get install -y -qq "postgresql-${PG_MAJOR}" "postgresql-client-${PG_MAJOR}" >/dev/null
fi

if has_extension; then exit 0; fi

# 1. The vendor package (community edition), when some apt source offers it.
apt_update
if apt-cache policy "timescaledb-2-postgresql-${PG_MAJOR}" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  log "installing timescaledb-2-postgresql-${PG_MAJOR} (community edition)"
  apt-get install -y -qq "timescaledb-2-postgresql-${PG_MAJOR}" >/dev/null
  exit 0
fi

# 2. The Apache edition from Debian's source package.
log "no vendor package offered; building the Apache edition from Debian's timescaledb source package (${SOURCE_SUITE})"
apt-get install -y -qq "postgresql-server-dev-${PG_MAJOR}" cmake gcc make dpkg-dev libssl-dev >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/src"
echo "deb-src http://deb.debian.org/debian ${SOURCE_SUITE} main" > "$work/sources.list"
# APT::Sandbox::User=root: the private download directory is root's, so the _apt sandbox could only warn.
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$work/lists"
  -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" update -qq
(cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only -qq timescaledb >/dev/null)
(cd "$work/src" && dpkg-source -x --skip-patches ./*.dsc tsdb >/dev/null 2>&1 || dpkg-source -x ./*.dsc tsdb >/dev/null)
cd "$work/src/tsdb"
# The unpacked source is not a git checkout; without looking for git the build skips the commit lookup
# quietly instead of printing "not a git repository" (the result is the same).
PATH="${PG_BIN}:$PATH" ./bootstrap -DCMAKE_DISABLE_FIND_PACKAGE_Git=ON -DAPACHE_ONLY=ON -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF \
  -DPG_CONFIG="${PG_BIN}/pg_config" -DCMAKE_BUILD_TYPE=Release >/dev/null
cd build
make -j"$(nproc)" >/dev/null
make install >/dev/null
has_extension || { log "the build finished but the extension files are not in ${PG_EXT_DIR}"; exit 1; }
log "installed TimescaleDB (Apache edition) for PostgreSQL ${PG_MAJOR}"
