using Microsoft.Extensions.Logging;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Schema;

public sealed class SchemaInstallerTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Empty_database_gets_every_migration_then_a_second_run_applies_nothing()
    {
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions());

        var before = await installer.GetStatusAsync(Ct);
        var first = await installer.MigrateAsync(Ct);
        var second = await installer.MigrateAsync(Ct);

        Assert.False(before.IsUpToDate);
        Assert.All(before.Migrations, m => Assert.Equal(SchemaMigrationStatus.Pending, m.Status));
        Assert.Contains(before.Migrations, m => m.Id == "0003_hypertables");
        Assert.Equal(before.Migrations.Select(m => m.Id), first.Applied.Select(a => a.Id));
        Assert.Empty(second.Applied);
        Assert.Equal(Edition, first.Edition);

        var tables = await ScalarListAsync("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'trading' AND table_type = 'BASE TABLE' ORDER BY 1");
        Assert.Contains("stock_prices", tables);
        Assert.Contains("positions", tables);
        Assert.Contains("schema_migrations", tables);
        var hypertables = await ScalarListAsync("SELECT hypertable_name::text FROM timescaledb_information.hypertables WHERE hypertable_schema = 'trading' ORDER BY 1");
        Assert.Equal(["data_quality", "options_data", "performance_metrics", "signals", "stock_prices", "system_events", "system_events_critical"], hypertables);

        var status = await installer.GetStatusAsync(Ct);
        Assert.True(status.IsUpToDate);
        Assert.All(status.Migrations, m => Assert.Equal(SchemaMigrationStatus.Applied, m.Status));
        Assert.All(status.Migrations, m => Assert.Equal(m.Checksum, m.Applied!.Checksum));
        Assert.All(status.Journal, r => Assert.Equal(Edition.ToString().ToLowerInvariant(), r.Edition));
        Assert.All(status.Journal, r => Assert.Equal("postgres", r.InstalledBy));
        await installer.AssertUpToDateAsync(Ct);
    }

    [Fact]
    public async Task Assert_up_to_date_lists_the_pending_migration_ids()
    {
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions());

        var ex = await Assert.ThrowsAsync<TradingSchemaException>(() => installer.AssertUpToDateAsync(Ct));

        Assert.Contains("0001_schema", ex.PendingMigrations);
        Assert.Contains("0003_hypertables", ex.PendingMigrations);
        Assert.Contains("0001_schema", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Database.Name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunk_interval_setting_reaches_the_hypertable()
    {
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions
        {
            ChunkIntervals = { StockPrices = TimescaleInterval.Parse("2 days"), PerformanceMetrics = TimescaleInterval.Parse("PT12H") },
        });

        await installer.MigrateAsync(Ct);

        var intervals = await ScalarListAsync(
            "SELECT hypertable_name || '=' || time_interval::text FROM timescaledb_information.dimensions WHERE hypertable_schema = 'trading' AND hypertable_name IN ('stock_prices', 'performance_metrics', 'options_data') ORDER BY 1");
        Assert.Equal(["options_data=1 day", "performance_metrics=12:00:00", "stock_prices=2 days"], intervals);
    }

    [Fact]
    public async Task Server_notices_go_to_the_logger_at_debug_level()
    {
        var logger = new CapturingLogger<TradingSchemaInstaller>();
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions(), logger);

        await installer.MigrateAsync(Ct);

        var notices = logger.Entries.Where(e => e.Message.StartsWith("PostgreSQL ", StringComparison.Ordinal)).ToList();
        Assert.Contains(notices, n => n.Message.Contains("does not follow best practices", StringComparison.Ordinal));
        Assert.All(notices, n => Assert.Equal(LogLevel.Debug, n.Level));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("0002_tables", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Edition_is_detected_and_written_to_the_journal()
    {
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions());
        await using (var connection = await DataSource.OpenConnectionAsync(Ct))
        {
            await using var license = new NpgsqlCommand("SELECT current_setting('timescaledb.license')", connection);
            var expected = (string)(await license.ExecuteScalarAsync(Ct))! == "apache" ? TimescaleEdition.Apache : TimescaleEdition.Community;
            Assert.Equal(expected, Edition);
        }

        var report = await installer.MigrateAsync(Ct);

        Assert.Equal(Edition, report.Edition);
        var editions = await ScalarListAsync("SELECT DISTINCT edition FROM trading.schema_migrations");
        Assert.Equal([Edition.ToString().ToLowerInvariant()], editions);
    }

    [Fact]
    public async Task Missing_extension_is_created_under_the_lock()
    {
        // A backend that dropped the extension cannot create it again, so drop it on a connection of its own.
        await using (var connection = new NpgsqlConnection(Database.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var drop = new NpgsqlCommand("DROP EXTENSION timescaledb", connection);
            await drop.ExecuteNonQueryAsync(Ct);
        }

        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions());

        var report = await installer.MigrateAsync(Ct);

        Assert.True(report.ExtensionCreated);
        Assert.True(report.Server.ExtensionInstalled);
        Assert.Equal(["timescaledb"], await ScalarListAsync("SELECT extname::text FROM pg_extension WHERE extname = 'timescaledb'"));
        Assert.False((await installer.MigrateAsync(Ct)).ExtensionCreated);
    }

    [Fact]
    public async Task Unknown_server_time_zone_is_refused_before_any_file_runs()
    {
        // Etc/Unknown is not in the tz database either, so the options validator reports it first.
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions { ExchangeTimeZone = "Mars/Olympus_Mons" });

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => installer.MigrateAsync(Ct));

        Assert.Contains("TradingTimescale:ExchangeTimeZone (Mars/Olympus_Mons)", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await ScalarListAsync("SELECT nspname::text FROM pg_namespace WHERE nspname = 'trading'"));
    }

    [Fact]
    public async Task Refresh_window_reaching_past_retention_is_refused()
    {
        var options = new TradingTimescaleOptions();
        options.Refresh.StockPrices1m.StartOffset = TimescaleInterval.Parse("4 months");
        var installer = new TradingSchemaInstaller(DataSource, options);

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => installer.MigrateAsync(Ct));

        Assert.Contains(
            "TradingTimescale:Refresh:StockPrices1m:StartOffset (4 months) reaches past TradingTimescale:Retention:StockPrices (90 days): a refresh over dropped raw data would erase aggregate history",
            ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => installer.ExportScriptAsync(TimescaleEdition.Apache, Ct));
    }

    private async Task<List<string>> ScalarListAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
