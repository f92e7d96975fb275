#!/usr/bin/env bash
# Trading.Timescale build entry point.
#   ./build.sh demo    ensure PostgreSQL + TimescaleDB, then run samples/QuickStart on a throwaway server (whatever
#                      TRADING_TIMESCALE_CONNECTION, DATABASE_URL or DB_* say); --database-url URL or
#                      --connection-file PATH run it in that database instead, when it is empty or the demo's own
#   ./build.sh test    ensure PostgreSQL + TimescaleDB, run every test project on each target framework whose runtime
#                      is installed, then the consumer test (tests/Consumer), docs/getting-started.md followed as
#                      written (tests/GettingStarted) and the community conformance run
#   ./build.sh conformance  only the community conformance run: the installer's exported script on
#                      TimescaleDB with TSL (PGlite in Node), since no native community server exists here
#   ./build.sh pack    write the .nupkg and .snupkg files (Trading.Timescale, .Testing, .Backup, .Export, .Cli, ...) to artifacts/packages
#   ./build.sh bench   run the quick ingest benchmark (and the CLI import against psql \copy, the refresh, read, export and soak
#                      parts; --soak-seconds N, 20 by default) and print one JSON object
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration="${CONFIGURATION:-Release}"

ensure_server() { bash scripts/ensure-timescaledb.sh; }

# Prints the edition the integration tests ran on and one closing line, "Tests: N passed, N failed, N skipped",
# summed over the per-assembly summaries of the console log.
summarize_tests() {
  local log="$1"
  grep -h -o 'Tested edition: .*' "$log" | sort -u || true
  awk '
    /^Total tests: [0-9]+/ { block = 1; next }
    block && /^ +Passed: [0-9]+ *$/  { passed += $2 }
    block && /^ +Failed: [0-9]+ *$/  { failed += $2 }
    block && /^ +Skipped: [0-9]+ *$/ { skipped += $2 }
    /^ *Total time:/ { block = 0 }
    END { printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
  ' "$log"
}

# Exports the community schema script with the CLI and runs it through tests/Conformance (PGlite with
# TimescaleDB TSL). Needs node and npm; prints "Conformance: N passed, N failed" and returns its status.
run_conformance() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "Conformance: skipped, node and npm are not installed (the community edition was not verified)"
    return 0
  fi
  mkdir -p artifacts/conformance
  dotnet run --project src/Trading.Timescale.Cli -c "$configuration" -f net10.0 -- \
    script --edition community --output artifacts/conformance/community.sql >/dev/null
  (cd tests/Conformance && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
    && node conformance.mjs --script ../../artifacts/conformance/community.sql \
      --cli "../../src/Trading.Timescale.Cli/bin/${configuration}/net10.0/trading-timescale.dll") \
    | tee artifacts/conformance/console.log | grep -v '^PASS'
  return "${PIPESTATUS[0]}"
}

# The test target frameworks the installed runtimes can run, for example "net8.0;net10.0".
test_frameworks() {
  local runtimes frameworks=()
  runtimes="$(dotnet --list-runtimes)"
  for major in 8 10; do
    if grep -q "^Microsoft.NETCore.App ${major}\." <<<"$runtimes"; then frameworks+=("net${major}.0"); fi
  done
  local IFS=';'
  echo "${frameworks[*]}"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  demo)
    # The throwaway server needs the local binaries; a database named on the command line does not.
    case " $* " in
      *" --database-url "* | *" --connection-file "*) ;;
      *) bash scripts/ensure-timescaledb.sh --local-server ;;
    esac
    dotnet run --project samples/QuickStart -c "$configuration" -- "$@"
    ;;
  test)
    ensure_server
    frameworks="$(test_frameworks)"
    frameworks_property="-p:TestOnNet8=false"
    case ";$frameworks;" in *";net8.0;"*) frameworks_property="-p:TestOnNet8=true" ;; esac
    dotnet build Trading.Timescale.sln -c "$configuration" -nologo -clp:NoSummary "$frameworks_property"
    results="artifacts/test-results"
    rm -rf "$results" && mkdir -p "$results"
    set +e
    dotnet test Trading.Timescale.sln -c "$configuration" --no-build "$frameworks_property" --logger "console;verbosity=normal" \
      --logger trx --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
    status=${PIPESTATUS[0]}
    set -e
    echo "Test frameworks: ${frameworks//;/, } (the libraries also ship net8.0; a framework runs when its runtime is installed)"
    summarize_tests "$results/console.log"
    consumer_status=0
    bash tests/Consumer/run.sh || consumer_status=$?
    getting_started_status=0
    bash tests/GettingStarted/run.sh || getting_started_status=$?
    conformance_status=0
    run_conformance || conformance_status=$?
    [ "$status" -ne 0 ] && exit "$status"
    [ "$conformance_status" -ne 0 ] && exit "$conformance_status"
    [ "$getting_started_status" -ne 0 ] && exit "$getting_started_status"
    exit "$consumer_status"
    ;;
  conformance)
    run_conformance
    ;;
  pack)
    rm -rf artifacts/packages
    dotnet pack Trading.Timescale.sln -c "$configuration" -o artifacts/packages "$@"
    ls -1 artifacts/packages
    ;;
  bench)
    ensure_server
    # Build output goes to stderr so standard output is the one JSON object.
    dotnet build benchmarks/Trading.Timescale.Benchmarks -c Release -nologo -clp:NoSummary >&2
    # importVsPsqlCopy runs the CLI as its own process, as users do.
    dotnet build src/Trading.Timescale.Cli -c Release -f net10.0 -nologo -clp:NoSummary >&2
    dotnet run --project benchmarks/Trading.Timescale.Benchmarks -c Release --no-build -- quick "$@"
    ;;
  *)
    echo "usage: ./build.sh demo|test|conformance|pack|bench" >&2
    exit 2
    ;;
esac
