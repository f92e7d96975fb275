using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using NodaTime;
using Trading.Timescale.HealthChecks;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Ingest;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Observability;

public sealed class HealthCheckTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_migrated_database_is_healthy_with_its_figures_in_the_data()
    {
        using var host = BuildHost(Database.ConnectionString, applySchema: true);
        await host.StartAsync(Ct);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        await host.StopAsync(Ct);

        var entry = report.Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        Assert.True(entry.Status == HealthStatus.Healthy, entry.Description);
        Assert.Equal(Edition.ToString().ToLowerInvariant(), entry.Data["edition"]);
        Assert.Equal(0, entry.Data["pending_migrations"]);
        Assert.True((int)entry.Data["hypertables"] >= 6, $"hypertables: {entry.Data["hypertables"]}");
        if (Edition == TimescaleEdition.Apache)
        {
            Assert.Equal("not checked: no continuous aggregates (unavailable on the apache edition)", entry.Data["aggregate_lag"]);
            Assert.Equal("not checked: no background jobs (unavailable on the apache edition)", entry.Data["jobs"]);
        }
    }

    [Fact]
    public async Task A_database_with_pending_migrations_is_unhealthy_and_names_them()
    {
        using var host = BuildHost(Database.ConnectionString, applySchema: false);
        await host.StartAsync(Ct);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        await host.StopAsync(Ct);

        var entry = report.Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.True((int)entry.Data["pending_migrations"] > 5);
        Assert.Contains("0001", (string)entry.Data["pending"], StringComparison.Ordinal);
        Assert.Contains("the schema is not up to date", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_reports_the_registration_failure_status()
    {
        var port = System.Net.Sockets.TcpListener.Create(0);
        port.Start();
        var free = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        using var host = BuildHost($"Host=127.0.0.1;Port={free};Username=nobody;Password=x;Database=none;Timeout=3", applySchema: false, failureStatus: HealthStatus.Degraded);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        var entry = report.Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith("TimescaleDB is not reachable or not available: ", entry.Description, StringComparison.Ordinal);
        Assert.NotNull(entry.Exception);
    }

    [Fact]
    public async Task Aggregate_lag_over_its_limit_is_degraded_until_the_aggregates_are_refreshed()
    {
        RequireCommunityEdition("Continuous aggregate lag");
        using var host = BuildHost(Database.ConnectionString, applySchema: true, configure: o => o.CheckJobs = false);
        await host.StartAsync(Ct);
        var trading = host.Services.GetRequiredService<TradingDatabase>();
        var start = SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(2);
        await trading.Ingest.AppendAsync(MarketData.Bars(600, 5, start), cancellationToken: Ct);
        var checks = host.Services.GetRequiredService<HealthCheckService>();

        var before = (await checks.CheckHealthAsync(Ct)).Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        await using (var refresh = trading.DataSource.CreateCommand("CALL refresh_continuous_aggregate('trading.stock_prices_1m', NULL, NULL)"))
        {
            await refresh.ExecuteNonQueryAsync(Ct);
        }

        var after = (await checks.CheckHealthAsync(Ct)).Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        await host.StopAsync(Ct);

        Assert.Equal(HealthStatus.Degraded, before.Status);
        Assert.Equal("nothing materialized", before.Data["aggregate_lag_seconds.stock_prices_1m"]);
        Assert.Contains("continuous aggregate stock_prices_1m has materialized nothing", before.Description, StringComparison.Ordinal);
        var lag = Assert.IsType<double>(after.Data["aggregate_lag_seconds.stock_prices_1m"]);
        Assert.InRange(lag, 0, 600);
        Assert.DoesNotContain("stock_prices_1m", after.Description ?? string.Empty, StringComparison.Ordinal);
    }

    private static IHost BuildHost(string connectionString, bool applySchema, HealthStatus? failureStatus = null, Action<TradingTimescaleHealthCheckOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var trading = builder.Services.AddTradingTimescale(connectionString);
        if (applySchema)
        {
            trading.ApplySchemaOnStartup();
        }

        builder.Services.AddHealthChecks().AddTradingTimescale(configure, failureStatus: failureStatus);
        return builder.Build();
    }
}
