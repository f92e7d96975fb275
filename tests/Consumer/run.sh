#!/usr/bin/env bash
# The consumer test: packs the packages with a version used only by this run, then builds a scratch project outside
# the solution (artifacts/consumer) against them from a local folder feed, runs it, and installs the tool from the
# same feed. Prints "Consumer: passed" or "Consumer: failed (...)" and returns non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
configuration="${CONFIGURATION:-Release}"
work="artifacts/consumer"
# A version no earlier run used, so the global packages cache can never hand back a stale package.
version="0.1.0-consumer.$(date +%s).$$"
rm -rf "$work" && mkdir -p "$work/feed" "$work/app"
log="$work/consumer.log"
# This run's version is of no use to any later run: drop it from the global packages cache, pass or fail.
trap 'rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/trading.timescale*/"$version"' EXIT

fail() { echo "Consumer: failed ($1; see $log)"; tail -n 25 "$log" >&2; exit 1; }

# The solution is already built by the test step; --no-build packs those binaries under the run's version.
dotnet pack Trading.Timescale.sln -c "$configuration" --no-build -o "$work/feed" -p:VersionSuffix="${version#0.1.0-}" >"$log" 2>&1 \
  || fail "pack"

cp tests/Consumer/Consumer.csproj tests/Consumer/Program.cs "$work/app/"
# Stop the repository's build settings, analyzer rules and central package versions from reaching the scratch project.
printf 'root = true\n' > "$work/app/.editorconfig"
echo '<Project />' > "$work/app/Directory.Build.props"
echo '<Project />' > "$work/app/Directory.Build.targets"
echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' > "$work/app/Directory.Packages.props"
feed="$(cd "$work/feed" && pwd)"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML

dotnet build "$work/app" -c Release -nologo -clp:NoSummary -p:TradingTimescaleVersion="$version" >>"$log" 2>&1 || fail "build"
dotnet tool install Trading.Timescale.Cli --version "$version" --tool-path "$work/tool" --configfile "$work/app/nuget.config" >>"$log" 2>&1 \
  || fail "tool install"
dotnet "$work/app/bin/Release/net10.0/Consumer.dll" "$(cd "$work/tool" && pwd)/trading-timescale" >>"$log" 2>&1 || fail "run"
grep '^consumer:' "$log"

echo "Consumer: passed"
