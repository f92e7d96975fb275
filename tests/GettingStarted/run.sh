#!/usr/bin/env bash
# The getting-started test: follows docs/getting-started.md as written, against the packed packages and a Debian
# cluster of its own. It packs the solution's packages under a version used only by this run, serves them from a
# local folder feed (nuget.org for everything else), creates a cluster with pg_createcluster (TimescaleDB preloaded),
# then runs the page's bash blocks in order in a scratch directory, writes Program.cs from the page, and checks every
# output the page shows. The only values it sets are the page's SERVER_PORT, TOOL_DIR and APP_PORT. This machine runs
# as root without sudo, so `sudo` is a shell function that runs the command directly (or as -u USER via runuser).
# Prints "Getting started: passed", "... skipped (why)" or "... failed (why)"; returns non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
configuration="${CONFIGURATION:-Release}"
page="docs/getting-started.md"
version="0.1.$(date +%s)"
cluster="ttgs$$"
pg_version=15

for tool in pg_createcluster pg_ctlcluster pg_dropcluster runuser curl openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "Getting started: skipped ($tool is not installed; the page is for Debian's postgresql-common)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { echo "Getting started: skipped (creating a Debian cluster needs root)"; exit 0; }

work="$(mktemp -d /tmp/tt-getting-started.XXXXXX)"
chmod 755 "$work"
log="$repo/artifacts/getting-started.log"
mkdir -p "$repo/artifacts" && : > "$log"

cleanup() {
  pg_dropcluster --stop "$pg_version" "$cluster" >/dev/null 2>&1 || true
  rm -rf "/etc/postgresql/$pg_version/$cluster" "/var/run/postgresql/$pg_version-$cluster.pg_stat_tmp" \
    "/var/log/postgresql/postgresql-$pg_version-$cluster.log" "$work"
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/trading.timescale*/"$version"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "Getting started: failed ($1; see artifacts/getting-started.log)"; tail -n 40 "$log" >&2; exit 1; }

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# The packages, as nuget.org would serve them; Trading.Timescale* come only from the local feed.
dotnet pack Trading.Timescale.sln -c "$configuration" --no-build -o "$work/feed" -p:Version="$version" >>"$log" 2>&1 || fail "pack"
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Trading.Timescale*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

# The server of step 1: a Debian cluster with TimescaleDB preloaded.
server_port="$(free_port)"
pg_createcluster "$pg_version" "$cluster" -d "$work/data" -p "$server_port" --start-conf manual >>"$log" 2>&1 || fail "pg_createcluster"
# No TimescaleDB background jobs, as on the project's other test servers: whether a job runs, and how it ends, is not
# under a test's control (the health check reports a failed job), so no step may depend on it.
printf "shared_preload_libraries = 'timescaledb'\ntimescaledb.telemetry_level = off\ntimescaledb.max_background_workers = 0\n" \
  > "/etc/postgresql/$pg_version/$cluster/conf.d/timescaledb.conf"
pg_ctlcluster "$pg_version" "$cluster" start >>"$log" 2>&1 || fail "pg_ctlcluster start"

# The page as a script, with the test's values for the machine-specific settings.
mkdir -p "$work/run" "$work/out"
settings="SERVER_PORT=$server_port
TOOL_DIR=$work/tool
APP_PORT=$(free_port)"
awk -v settings="$settings" -f tests/GettingStarted/page-script.awk "$page" > "$work/page.sh" 2>>"$log" || fail "the page does not assign a setting the test sets"
echo "settings: ${settings//$'\n'/, }" >>"$log"

# No "||" after the subshell: it would switch off set -e inside it.
set +e
(
  cd "$work/run"
  export RECIPE_OUT="$work/out"
  unset TRADING_TIMESCALE_CONNECTION DATABASE_URL DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD
  sudo() {
    if [ "$1" = "-u" ]; then local user="$2"; shift 2; runuser -u "$user" -- "$@"; else "$@"; fi
  }
  expect_output() {
    local line
    while IFS= read -r line; do
      [ -z "$line" ] && continue
      grep -qF -- "$line" "$1" || { echo "expected output line not found: $line" >&2; return 1; }
    done < "$2"
  }
  on_exit() {
    local status=$?
    if [ -n "${SERVICE_PID:-}" ]; then kill "$SERVICE_PID" 2>/dev/null || true; fi
    if [ "$status" -ne 0 ] && [ -n "${recipe_block:-}" ]; then
      echo "block $recipe_block failed with exit code $status; its output:"
      cat "$RECIPE_OUT/$recipe_block.txt" 2>/dev/null
      [ -f service.log ] && { echo "--- service.log"; tail -n 30 service.log; }
    fi
    exit "$status"
  }
  trap on_exit EXIT
  set -e
  # shellcheck source=/dev/null
  source "$work/page.sh"
) >>"$log" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "a step of $page"

blocks=$(grep -c '^recipe_block=' "$work/page.sh")
checks=$(grep -c '^expect_output ' "$work/page.sh")
echo "Getting started: passed ($blocks bash blocks of $page run as written, $checks shown outputs matched: health, ingest, RSI)"
