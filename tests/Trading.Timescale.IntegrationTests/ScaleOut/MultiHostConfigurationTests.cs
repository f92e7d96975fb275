using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NodaTime;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Ingest;
using Trading.Timescale.Queries;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.ScaleOut;

/// <summary>
/// One multi-host connection string, listing the standby first, given the ways users give it: the DI extension's
/// configuration, the CLI's <c>--connection-file</c> and the <c>TRADING_TIMESCALE_CONNECTION</c> environment variable.
/// The schema install lands on the primary (a standby is read-only), and reads land on the standby, seen by what they
/// return while its replay is paused.
/// </summary>
public sealed class MultiHostConfigurationTests(ReplicatedServerFixture fixture) : IClassFixture<ReplicatedServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int PrimaryPort => new NpgsqlConnectionStringBuilder(fixture.Primary.ConnectionString).Port;

    [Fact]
    public async Task The_DI_extension_installs_on_the_primary_reads_from_the_standby_and_its_health_check_lists_both()
    {
        var (database, standbyFirst) = await EmptyDatabaseAsync("di", Ct);
        await using var _ = database;

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TradingTimescale:ConnectionString"] = standbyFirst,
            ["TradingTimescale:ApplySchemaOnStartup"] = "true",
        });
        builder.Services.AddTradingTimescale(builder.Configuration.GetSection(TradingTimescaleOptions.SectionName));
        builder.Services.AddHealthChecks().AddTradingTimescale();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        try
        {
            var db = host.Services.GetRequiredService<TradingDatabase>();
            Assert.True((await db.Schema.GetStatusAsync(Ct)).IsUpToDate);
            await using (var connection = await db.PrimaryDataSource.OpenConnectionAsync(Ct))
            {
                Assert.Equal((PrimaryPort, false), await ServerIdentity.OfAsync(connection, Ct));
            }

            await db.Ingest.AppendAsync(MarketData.Bars(10, 1), cancellationToken: Ct);
            await fixture.Standby.WaitForReplayAsync(Ct);
            await fixture.Standby.PauseReplayAsync(Ct);
            try
            {
                await db.Ingest.AppendAsync(MarketData.Bars(5, 1, MarketData.Start + Duration.FromHours(1)), cancellationToken: Ct);
                Assert.Equal(10, (await db.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);
                Assert.Equal(15, (await db.Queries.Bars("S000", BarInterval.OneMinute).WithReadFrom(ReadFrom.Primary).ToListAsync(Ct)).Count);

                // ReadFrom set in configuration sends the same query to the primary.
                var services = new ServiceCollection();
                services.AddTradingTimescale(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionString"] = standbyFirst,
                    ["ReadFrom"] = "Primary",
                }).Build());
                await using var provider = services.BuildServiceProvider();
                var onPrimary = provider.GetRequiredService<TradingDatabase>();
                Assert.Equal(ReadFrom.Primary, onPrimary.Options.ReadFrom);
                Assert.Equal(15, (await onPrimary.Queries.Bars("S000", BarInterval.OneMinute).ToListAsync(Ct)).Count);
            }
            finally
            {
                await fixture.Standby.ResumeReplayAsync(Ct);
            }

            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
            var entry = report.Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
            Assert.StartsWith("primary", (string)entry.Data[$"server.127.0.0.1:{PrimaryPort}"], StringComparison.Ordinal);
            Assert.StartsWith("standby", (string)entry.Data[$"server.127.0.0.1:{fixture.Standby.Port}"], StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task The_CLI_takes_the_string_from_a_connection_file_or_the_environment_migrates_on_the_primary_and_reads_from_the_standby()
    {
        var (database, standbyFirst) = await EmptyDatabaseAsync("cli", Ct);
        await using var _ = database;
        var connectionFile = Path.Combine(Path.GetTempPath(), $"multi-host-{Guid.NewGuid():N}.txt");
        var csv = Path.Combine(Path.GetTempPath(), $"multi-host-{Guid.NewGuid():N}.csv");
        var environment = new Dictionary<string, string> { ["TRADING_TIMESCALE_CONNECTION"] = standbyFirst };
        await File.WriteAllTextAsync(connectionFile, standbyFirst + Environment.NewLine, Ct);
        try
        {
            var migrate = await CliRunner.RunAsync(["migrate", "--connection-file", connectionFile]);
            Assert.True(migrate.ExitCode == 0, migrate.Error);
            await File.WriteAllTextAsync(csv, "symbol,timestamp,close_price\nMH,2026-05-04T13:30:00Z,10\nMH,2026-05-04T13:31:00Z,11\n", Ct);
            var first = await CliRunner.RunProcessAsync(environment, "import", "stock_prices", "--file", csv);
            Assert.True(first.ExitCode == 0, first.Error);
            await fixture.Standby.WaitForReplayAsync(Ct);

            await fixture.Standby.PauseReplayAsync(Ct);
            try
            {
                await File.WriteAllTextAsync(csv, "symbol,timestamp,close_price\nMH,2026-05-04T13:32:00Z,12\n", Ct);
                var second = await CliRunner.RunProcessAsync(environment, "import", "stock_prices", "--file", csv);
                Assert.True(second.ExitCode == 0, second.Error);

                string[] bars = ["bars", "MH", "--interval", "1m", "--from", "2026-05-04T13:00:00Z", "--to", "2026-05-04T14:00:00Z", "--json"];
                var fromEnvironment = await CliRunner.RunProcessAsync(environment, bars);
                Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.Error);
                Assert.Equal(2, JsonNode.Parse(fromEnvironment.Output)!["bars"]!.AsArray().Count);
                var fromFile = await CliRunner.RunAsync([.. bars, "--connection-file", connectionFile]);
                Assert.True(fromFile.ExitCode == 0, fromFile.Error);
                Assert.Equal(2, JsonNode.Parse(fromFile.Output)!["bars"]!.AsArray().Count);

                var status = await CliRunner.RunProcessAsync(environment, "status", "--json");
                Assert.True(status.ExitCode == 0, status.Error);
                var servers = JsonNode.Parse(status.Output)!["servers"]!.AsArray();
                Assert.Equal(["standby", "primary"], servers.Select(s => (string?)s!["role"]));
                Assert.Equal(fixture.Standby.Port, (int)servers[0]!["port"]!);
                Assert.NotNull(servers[0]!["lag"]);
            }
            finally
            {
                await fixture.Standby.ResumeReplayAsync(Ct);
            }

            await using var primary = new NpgsqlConnection(database.ConnectionString);
            await primary.OpenAsync(Ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM trading.stock_prices WHERE symbol = 'MH'", primary);
            Assert.Equal(3L, await count.ExecuteScalarAsync(Ct));
        }
        finally
        {
            File.Delete(connectionFile);
            File.Delete(csv);
        }
    }

    /// <summary>A database without the trading schema, replayed on the standby, and a connection string listing the standby first.</summary>
    private async Task<(TimescaleTestDatabase Database, string StandbyFirst)> EmptyDatabaseAsync(string prefix, CancellationToken cancellationToken)
    {
        var database = await fixture.Primary.CreateDatabaseAsync(prefix, cancellationToken);
        await fixture.Standby.WaitForReplayAsync(cancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(fixture.Primary.MultiHostConnectionString(database, fixture.Standby));
        builder.Host = string.Join(',', builder.Host!.Split(',').Reverse());
        return (database, builder.ConnectionString);
    }
}
