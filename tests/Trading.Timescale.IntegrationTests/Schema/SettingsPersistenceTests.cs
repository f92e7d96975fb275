using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Schema;

/// <summary>The database keeps the settings it was installed with; they change only on purpose.</summary>
public sealed class SettingsPersistenceTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cli_migrate_status_and_health_without_set_keep_the_installed_settings()
    {
        var install = await RunCliAsync("migrate", "-c", Database.ConnectionString, "--time-zone", "Europe/London",
            "--set", "Retention:StockPrices=1825 days", "--set", "Retention:OptionsData=400 days");
        Assert.True(install.ExitCode == 0, install.Error);
        var installed = await SettingsAsync();
        var policies = await RetentionPoliciesAsync();

        var health = await RunCliAsync("health", "-c", Database.ConnectionString);
        var status = await RunCliAsync("status", "-c", Database.ConnectionString, "--json");
        var migrate = await RunCliAsync("migrate", "-c", Database.ConnectionString);

        Assert.Equal(("1825 days", "400 days", "Europe/London"), (installed["retention_stock_prices"], installed["retention_options_data"], installed["exchange_time_zone"]));
        Assert.True(health.ExitCode == 0, health.Output + health.Error);
        Assert.DoesNotContain("pending", health.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(status.ExitCode == 0, status.Error);
        using var json = JsonDocument.Parse(status.Output);
        Assert.True(json.RootElement.GetProperty("upToDate").GetBoolean());
        Assert.Equal("1825 days", json.RootElement.GetProperty("settings").GetProperty("Retention:StockPrices").GetString());
        Assert.Equal("Europe/London", json.RootElement.GetProperty("settings").GetProperty("ExchangeTimeZone").GetString());
        Assert.True(migrate.ExitCode == 0, migrate.Error);
        Assert.Contains("Up to date: nothing to apply.", migrate.Output, StringComparison.Ordinal);
        Assert.Equal(installed, await SettingsAsync());
        Assert.Equal(policies, await RetentionPoliciesAsync());
        if (Edition == TimescaleEdition.Community)
        {
            Assert.Equal("1825 days", policies["stock_prices"]);
            Assert.Equal("400 days", policies["options_data"]);
        }
    }

    [Fact]
    public async Task Shortening_a_retention_needs_yes_and_says_what_it_drops()
    {
        Assert.Equal(0, (await RunCliAsync("migrate", "-c", Database.ConnectionString, "--set", "Retention:StockPrices=1825 days")).ExitCode);
        await using (var insert = DataSource.CreateCommand(
            """
            INSERT INTO trading.stock_prices (symbol, "timestamp", open_price, high_price, low_price, close_price, volume)
            VALUES ('OLD', now() - interval '200 days', 10, 11, 9, 10.5, 100), ('OLD', now() - interval '300 days', 10, 11, 9, 10.5, 100),
                   ('NEW', now() - interval '1 day', 10, 11, 9, 10.5, 100)
            """))
        {
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var refused = await RunCliAsync("migrate", "-c", Database.ConnectionString, "--set", "Retention:StockPrices=90 days");
        var afterRefusal = await SettingsAsync();
        var policiesAfterRefusal = await RetentionPoliciesAsync();
        var confirmed = await RunCliAsync("migrate", "-c", Database.ConnectionString, "--set", "Retention:StockPrices=90 days", "--yes");

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("trading-timescale: Refusing to change the settings of database", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Retention:StockPrices: 1825 days → 90 days", refused.Error, StringComparison.Ordinal);
        Assert.Contains("2 row(s) today", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--yes", refused.Error, StringComparison.Ordinal);
        Assert.Equal("1825 days", afterRefusal["retention_stock_prices"]);
        if (Edition == TimescaleEdition.Community)
        {
            Assert.Equal("1825 days", policiesAfterRefusal["stock_prices"]);
            Assert.Equal("90 days", (await RetentionPoliciesAsync())["stock_prices"]);
        }

        Assert.True(confirmed.ExitCode == 0, confirmed.Error);
        Assert.Contains("Setting Retention:StockPrices: 1825 days → 90 days (the next retention run drops the older rows)", confirmed.Output, StringComparison.Ordinal);
        Assert.Equal("90 days", (await SettingsAsync())["retention_stock_prices"]);
        Assert.Equal(3L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
    }

    [Fact]
    public async Task A_longer_retention_and_other_settings_change_with_set_alone_and_print_old_and_new()
    {
        Assert.Equal(0, (await RunCliAsync("migrate", "-c", Database.ConnectionString)).ExitCode);

        var changed = await RunCliAsync("migrate", "-c", Database.ConnectionString, "--json",
            "--set", "Retention:StockPrices=120 days", "--set", "ChunkIntervals:Signals=3 days");

        Assert.True(changed.ExitCode == 0, changed.Error);
        using var json = JsonDocument.Parse(changed.Output);
        var changes = json.RootElement.GetProperty("settingChanges").EnumerateArray()
            .Select(c => $"{c.GetProperty("path").GetString()} {c.GetProperty("from").GetString()} -> {c.GetProperty("to").GetString()} {c.GetProperty("removesData").GetBoolean()}")
            .ToList();
        Assert.Equal(["ChunkIntervals:Signals 1 day -> 3 days False", "Retention:StockPrices 90 days -> 120 days False"], changes.Order());
        Assert.NotEqual(0, json.RootElement.GetProperty("applied").GetArrayLength());
        var settings = await SettingsAsync();
        Assert.Equal(("120 days", "3 days"), (settings["retention_stock_prices"], settings["chunk_interval_signals"]));
        Assert.Equal("3 days", await ScalarAsync<string>(
            "SELECT time_interval::text FROM timescaledb_information.dimensions WHERE hypertable_schema = 'trading' AND hypertable_name = 'signals'"));
    }

    [Fact]
    public async Task Two_hosts_with_different_options_do_not_flip_the_settings()
    {
        var firstLog = new CapturingLoggerProvider();
        var secondLog = new CapturingLoggerProvider();

        await StartAndStopAsync("1825 days", firstLog);
        var afterFirst = await SettingsAsync();
        var journalAfterFirst = await ScalarAsync<long>("SELECT count(*) FROM trading.schema_migrations");
        var appliedAt = await ScalarAsync<string>("SELECT max(applied_at)::text FROM trading.schema_migrations");
        await StartAndStopAsync("30 days", secondLog);
        await StartAndStopAsync("1825 days", firstLog);
        await StartAndStopAsync("30 days", secondLog);

        Assert.Equal("1825 days", afterFirst["retention_stock_prices"]);
        Assert.Equal(afterFirst, await SettingsAsync());
        Assert.Equal(journalAfterFirst, await ScalarAsync<long>("SELECT count(*) FROM trading.schema_migrations"));
        Assert.Equal(appliedAt, await ScalarAsync<string>("SELECT max(applied_at)::text FROM trading.schema_migrations"));
        var warning = Assert.Single(secondLog.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).Distinct());
        Assert.Contains("TradingTimescale:Retention:StockPrices is configured as 30 days, but database", warning, StringComparison.Ordinal);
        Assert.Contains("keeps 1825 days; the database's setting stays", warning, StringComparison.Ordinal);
        Assert.Contains("trading-timescale migrate --set \"Retention:StockPrices=30 days\" --yes", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(firstLog.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task In_code_a_change_applies_only_when_asked_and_data_removal_only_when_allowed()
    {
        var options = new TradingTimescaleOptions { Retention = { Signals = TimescaleInterval.Parse("2 years") } };
        await new TradingSchemaInstaller(DataSource, options).MigrateAsync(Ct);
        var shorter = new TradingTimescaleOptions { Retention = { Signals = TimescaleInterval.Parse("6 months") } };
        var installer = new TradingSchemaInstaller(DataSource, shorter);

        var routine = await installer.MigrateAsync(Ct);
        var status = await installer.GetStatusAsync(Ct);
        var refused = await Assert.ThrowsAsync<TradingSchemaException>(() => installer.MigrateAsync(new SchemaMigrationOptions { ApplySettingChanges = true }, Ct));
        var settingsAfterRefusal = await SettingsAsync();
        var allowed = await installer.MigrateAsync(new SchemaMigrationOptions { ApplySettingChanges = true, AllowDataRemoval = true }, Ct);

        Assert.Empty(routine.Applied);
        Assert.Empty(routine.AppliedSettingChanges);
        Assert.Equal("Retention:Signals: 2 years → 6 months", Assert.Single(routine.DeclinedSettingChanges).ToString());
        Assert.True(Assert.Single(routine.DeclinedSettingChanges).RemovesData);
        Assert.True(status.IsUpToDate);
        Assert.Equal("2 years", status.Settings["Retention:Signals"]);
        Assert.Single(status.SettingDifferences);
        Assert.Contains("Retention:Signals: 2 years → 6 months drops trading.signals rows older than 6 months (none today", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", refused.Message, StringComparison.Ordinal);
        Assert.Equal("2 years", settingsAfterRefusal["retention_signals"]);
        Assert.Equal("Retention:Signals: 2 years → 6 months", Assert.Single(allowed.AppliedSettingChanges).ToString());
        Assert.Empty(allowed.DeclinedSettingChanges);
        Assert.Equal("6 months", (await SettingsAsync())["retention_signals"]);
        Assert.Equal("6 months", allowed.Settings["Retention:Signals"]);
    }

    [Fact]
    public async Task An_exported_script_stops_before_changing_settings_the_database_keeps()
    {
        Assert.SkipUnless(File.Exists(Psql.Path), $"psql is not installed at {Psql.Path}.");
        Assert.Equal(0, (await RunCliAsync("migrate", "-c", Database.ConnectionString, "--set", "Retention:StockPrices=1825 days")).ExitCode);
        var journal = await ScalarAsync<string>("SELECT string_agg(id || checksum, ',' ORDER BY id) FROM trading.schema_migrations");

        var defaults = await RunScriptAsync();
        var shorter = await RunScriptAsync("--set", "Retention:StockPrices=90 days");
        var same = await RunScriptAsync("--set", "Retention:StockPrices=1825 days");

        Assert.NotEqual(0, defaults.ExitCode);
        Assert.Contains("This script would change settings the database keeps (Retention:StockPrices: the database keeps 1825 days, this script holds 90 days)", defaults.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, shorter.ExitCode);
        Assert.Contains("This script shortens a retention (Retention:StockPrices: 1825 days -> 90 days)", shorter.Error, StringComparison.Ordinal);
        Assert.True(same.ExitCode == 0, same.Error);
        Assert.Equal(journal, await ScalarAsync<string>("SELECT string_agg(id || checksum, ',' ORDER BY id) FROM trading.schema_migrations"));
        Assert.Equal("1825 days", (await SettingsAsync())["retention_stock_prices"]);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunScriptAsync(params string[] settings)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{Database.Name}-{Guid.NewGuid():N}.sql");
        try
        {
            var export = await RunCliAsync(["script", "--edition", Edition == TimescaleEdition.Community ? "community" : "apache", "--output", file, .. settings]);
            Assert.True(export.ExitCode == 0, export.Error);
            return await Psql.RunFileAsync(Database.ConnectionString, file, Ct);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Starts and stops an application whose configuration sets the stock price retention, as a service would.</summary>
    private async Task StartAndStopAsync(string retention, CapturingLoggerProvider log)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TradingTimescale:ConnectionString"] = Database.ConnectionString,
            ["TradingTimescale:Retention:StockPrices"] = retention,
        });
        builder.Logging.ClearProviders().AddProvider(log);
        builder.Services.AddTradingTimescale(builder.Configuration.GetSection("TradingTimescale")).ApplySchemaOnStartup();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
    }

    private async Task<Dictionary<string, string>> SettingsAsync() =>
        (await RowsAsync("SELECT name, value FROM trading.settings")).ToDictionary(r => (string)r[0]!, r => (string)r[1]!);

    /// <summary>The retention policies' drop_after by hypertable (none on the apache edition).</summary>
    private async Task<Dictionary<string, string>> RetentionPoliciesAsync() =>
        Edition != TimescaleEdition.Community
            ? []
            : (await RowsAsync(
                """
                SELECT hypertable_name::text, (config ->> 'drop_after')::interval::text FROM timescaledb_information.jobs
                WHERE proc_name = 'policy_retention' AND hypertable_schema = 'trading'
                """)).ToDictionary(r => (string)r[0]!, r => (string)r[1]!);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args) => CliRunner.RunAsync(args);
}
