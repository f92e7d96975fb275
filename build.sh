#!/usr/bin/env bash
# Trading.Timescale build entry point.
#   ./build.sh demo    ensure PostgreSQL + TimescaleDB, then run samples/QuickStart
#   ./build.sh test    ensure PostgreSQL + TimescaleDB, then run every test project
#   ./build.sh pack    write the .nupkg and .snupkg files to artifacts/packages
#   ./build.sh bench   run the quick ingest benchmark and print one JSON object
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration="${CONFIGURATION:-Release}"

ensure_server() { bash scripts/ensure-timescaledb.sh; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  demo)
    ensure_server
    dotnet run --project samples/QuickStart -c "$configuration" -- "$@"
    ;;
  test)
    ensure_server
    dotnet build Trading.Timescale.sln -c "$configuration" -nologo -clp:NoSummary
    dotnet test Trading.Timescale.sln -c "$configuration" --no-build --logger "console;verbosity=normal" "$@"
    ;;
  pack)
    rm -rf artifacts/packages
    dotnet pack Trading.Timescale.sln -c "$configuration" -o artifacts/packages "$@"
    ls -1 artifacts/packages
    ;;
  bench)
    ensure_server
    dotnet run --project benchmarks/Trading.Timescale.Benchmarks -c Release -- quick "$@"
    ;;
  *)
    echo "usage: ./build.sh demo|test|pack|bench" >&2
    exit 2
    ;;
esac
