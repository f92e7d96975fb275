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
        // Job runs are TimescaleDB's business (a server may run or fail them at any time): every other finding is this test's.
        using var host = BuildHost(Database.ConnectionString, applySchema: true, configure: o => o.CheckJobs = false);
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
    public void Limits_that_cannot_work_are_refused_at_registration_naming_each()
    {
        var services = new ServiceCollection();
        services.AddTradingTimescale(Database.ConnectionString);
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => services.AddHealthChecks().AddTradingTimescale(o =>
        {
            o.MaxStandbyLag = TimeSpan.Zero;
            o.AggregateLagLimits["stock_prices_2m"] = TimeSpan.FromMinutes(5);
            o.AggregateLagLimits["stock_prices_5m"] = TimeSpan.FromMinutes(-1);
        }));

        Assert.Equal(
        [
            "TradingTimescaleHealthCheckOptions.MaxStandbyLag is 00:00:00; it must be positive.",
            "TradingTimescaleHealthCheckOptions.AggregateLagLimits['stock_prices_5m'] is -00:01:00; it must be positive.",
            "TradingTimescaleHealthCheckOptions.AggregateLagLimits names 'stock_prices_2m', which is not an aggregate of the trading schema (stock_prices_1m, stock_prices_5m, stock_prices_1h, stock_prices_1d, options_volume_1h, signal_performance_1d).",
        ], error.Failures);
        Assert.Equal(TimeSpan.FromMinutes(30), new TradingTimescaleHealthCheckOptions().LagLimitFor("stock_prices_5m"));
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
    public async Task A_fresh_install_whose_refresh_policy_has_not_run_yet_is_healthy_and_says_so()
    {
        RequireCommunityEdition("Continuous aggregate refresh policies");
        using var host = BuildHost(Database.ConnectionString, applySchema: true, configure: o => o.CheckJobs = false);
        await host.StartAsync(Ct);
        var trading = host.Services.GetRequiredService<TradingDatabase>();
        // A policy that cannot have run yet, whether or not TimescaleDB's scheduler runs jobs here.
        await ExecuteAsync(trading, "SELECT remove_continuous_aggregate_policy('trading.stock_prices_1m')");
        var job = await ScalarAsync<int>(trading, """
            SELECT add_continuous_aggregate_policy('trading.stock_prices_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute',
                schedule_interval => INTERVAL '1 minute', initial_start => now() + INTERVAL '1 day')
            """);
        await trading.Ingest.AppendAsync(MarketData.Bars(600, 5, SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(2)), cancellationToken: Ct);

        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        var minute = (await trading.Schema.CheckHealthAsync(Ct)).ContinuousAggregates.Items.Single(a => a.Name == "stock_prices_1m");
        await host.StopAsync(Ct);

        Assert.True(entry.Status == HealthStatus.Healthy, entry.Description);
        Assert.Equal("awaiting its first refresh", entry.Data["aggregate_lag_seconds.stock_prices_1m"]);
        Assert.Contains("continuous aggregates not refreshed yet, their refresh policies are scheduled: ", entry.Description, StringComparison.Ordinal);
        Assert.Contains($"stock_prices_1m (job {job})", entry.Description, StringComparison.Ordinal);
        Assert.Equal(AggregateMaterialization.AwaitingRefresh, minute.Materialization);
        Assert.Null(minute.Lag);
        Assert.Null(minute.MaterializedThrough);
        Assert.Equal(job, minute.RefreshJobId);
        Assert.Null(minute.LastSuccessfulRefresh);
        Assert.Equal(await ScalarAsync<Instant>(trading, "SELECT max(timestamp) FROM trading.stock_prices"), minute.SourceNewest);
    }

    [Fact]
    public async Task Aggregate_lag_over_its_limit_is_degraded_until_the_aggregate_is_refreshed()
    {
        RequireCommunityEdition("Continuous aggregate lag");
        using var host = BuildHost(Database.ConnectionString, applySchema: true, configure: o => o.CheckJobs = false);
        await host.StartAsync(Ct);
        var trading = host.Services.GetRequiredService<TradingDatabase>();
        // Two days old: outside every refresh policy's window, so only the explicit refreshes below materialize it.
        var start = Instant.FromUnixTimeSeconds(SystemClock.Instance.GetCurrentInstant().ToUnixTimeSeconds() / 60 * 60) - Duration.FromDays(2);
        await trading.Ingest.AppendAsync(MarketData.Bars(300, 5, start), cancellationToken: Ct);
        await RefreshAggregateAsync("trading.stock_prices_1m");
        await trading.Ingest.AppendAsync([MarketData.Bar(0, 1, start + Duration.FromMinutes(90))], cancellationToken: Ct);
        var checks = host.Services.GetRequiredService<HealthCheckService>();

        var lagging = (await checks.CheckHealthAsync(Ct)).Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        await RefreshAggregateAsync("trading.stock_prices_1m");
        var refreshed = (await checks.CheckHealthAsync(Ct)).Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        await host.StopAsync(Ct);

        // Materialized through start + 60 min (the last of 60 one-minute buckets), newest source row at start + 90 min.
        Assert.Equal(HealthStatus.Degraded, lagging.Status);
        Assert.Equal(30 * 60.0, lagging.Data["aggregate_lag_seconds.stock_prices_1m"]);
        Assert.Contains("continuous aggregate stock_prices_1m lags its source by 30 min, more than the 10 min allowed", lagging.Description, StringComparison.Ordinal);
        Assert.Equal(0.0, refreshed.Data["aggregate_lag_seconds.stock_prices_1m"]);
        Assert.DoesNotContain("stock_prices_1m", refreshed.Description ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_aggregate_without_a_refresh_policy_that_materialized_nothing_is_degraded_and_says_how_to_refresh_it()
    {
        RequireCommunityEdition("Continuous aggregate refresh policies");
        using var host = BuildHost(Database.ConnectionString, applySchema: true, configure: o => o.CheckJobs = false);
        await host.StartAsync(Ct);
        var trading = host.Services.GetRequiredService<TradingDatabase>();
        await ExecuteAsync(trading, "SELECT remove_continuous_aggregate_policy('trading.stock_prices_1m')");
        await trading.Ingest.AppendAsync(MarketData.Bars(50, 5, SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(2)), cancellationToken: Ct);

        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries[TradingTimescaleHealthChecksBuilderExtensions.DefaultName];
        await host.StopAsync(Ct);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("nothing materialized", entry.Data["aggregate_lag_seconds.stock_prices_1m"]);
        Assert.Contains(
            "continuous aggregate stock_prices_1m has materialized nothing although its source has rows, and it has no refresh policy: " +
            "refresh it once with CALL refresh_continuous_aggregate('trading.stock_prices_1m', NULL, NULL)",
            entry.Description, StringComparison.Ordinal);
    }

    private static async Task ExecuteAsync(TradingDatabase trading, string sql)
    {
        await using var command = trading.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<T> ScalarAsync<T>(TradingDatabase trading, string sql)
    {
        await using var command = trading.DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
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
