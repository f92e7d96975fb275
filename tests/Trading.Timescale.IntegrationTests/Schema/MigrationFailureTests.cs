using Microsoft.Extensions.Logging;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;
using Trading.Timescale.Schema.Internal;

namespace Trading.Timescale.IntegrationTests.Schema;

/// <summary>Migration sets injected through the installer's internal source seam.</summary>
public sealed class MigrationFailureTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private const string Schema = "CREATE SCHEMA IF NOT EXISTS trading;\n";
    private const string Tables = "CREATE TABLE trading.alpha (id int PRIMARY KEY);\r\nCREATE TABLE trading.beta (id int PRIMARY KEY);\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changed_applied_migration_is_refused_naming_the_file()
    {
        await Installer(("migrations/0001_schema.sql", Schema), ("migrations/0002_tables.sql", Tables)).MigrateAsync(Ct);

        // The same file with only line endings changed is the same migration.
        var sameText = Installer(("migrations/0001_schema.sql", Schema), ("migrations/0002_tables.sql", Tables.Replace("\r\n", "\n", StringComparison.Ordinal)));
        Assert.Empty((await sameText.MigrateAsync(Ct)).Applied);

        var tampered = Installer(
            ("migrations/0001_schema.sql", Schema),
            ("migrations/0002_tables.sql", Tables.Replace("beta", "gamma", StringComparison.Ordinal)),
            ("migrations/0003_more.sql", "CREATE TABLE trading.delta (id int);"));
        var ex = await Assert.ThrowsAsync<TradingSchemaException>(() => tampered.MigrateAsync(Ct));

        Assert.Equal("migrations/0002_tables.sql", ex.FileName);
        Assert.Equal("0002_tables", ex.MigrationId);
        Assert.Contains("migrations/0002_tables.sql", ex.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", ex.Message, StringComparison.Ordinal);
        Assert.False(await ExistsAsync("trading.delta"));
        var status = await tampered.GetStatusAsync(Ct);
        Assert.Equal(SchemaMigrationStatus.Changed, status.Migrations.Single(m => m.Id == "0002_tables").Status);
        Assert.Equal(SchemaMigrationStatus.Pending, status.Migrations.Single(m => m.Id == "0003_more").Status);
    }

    [Theory]
    [InlineData("tampered", "'tampered'")]
    [InlineData("", "''")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-and-more", "'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef...' (73 characters)")]
    public async Task Journal_checksum_that_is_not_a_hash_is_refused_naming_the_file_and_the_mismatch(string stored, string shown)
    {
        var installer = Installer(("migrations/0001_schema.sql", Schema), ("migrations/0002_tables.sql", Tables));
        await installer.MigrateAsync(Ct);
        await using (var tamper = DataSource.CreateCommand("UPDATE trading.schema_migrations SET checksum = $1 WHERE id = '0002_tables'"))
        {
            tamper.Parameters.AddWithValue(stored);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync(Ct));
        }

        var ex = await Assert.ThrowsAsync<TradingSchemaException>(() => installer.MigrateAsync(Ct));

        var now = SchemaChecksum.Compute(Tables)[..12];
        Assert.Equal("migrations/0002_tables.sql", ex.FileName);
        Assert.Contains($"versioned migration file migrations/0002_tables.sql (checksum applied {shown}, now {now}) changed after it was applied", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SchemaMigrationStatus.Changed, (await installer.GetStatusAsync(Ct)).Migrations.Single(m => m.Id == "0002_tables").Status);
    }

    [Fact]
    public async Task Failing_transactional_migration_is_rolled_back_with_its_journal_row_and_the_next_run_resumes()
    {
        var failing = Installer(
            ("migrations/0001_schema.sql", Schema),
            ("migrations/0002_tables.sql", Tables),
            ("migrations/0003_broken.sql", "CREATE TABLE trading.gamma (id int);\n\nINSERT INTO trading.gamma\n  VALUES ('not a number');\n"),
            ("migrations/0004_after.sql", "CREATE TABLE trading.delta (id int);"));

        var ex = await Assert.ThrowsAsync<TradingSchemaException>(() => failing.MigrateAsync(Ct));

        Assert.Equal("migrations/0003_broken.sql", ex.FileName);
        Assert.Contains("failed at line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("22P02", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rolled back", ex.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(ex.InnerException);
        Assert.Equal(["0001_schema", "0002_tables"], await JournalAsync());
        Assert.True(await ExistsAsync("trading.beta"));
        Assert.False(await ExistsAsync("trading.gamma"));
        Assert.False(await ExistsAsync("trading.delta"));

        var fixedSet = Installer(
            ("migrations/0001_schema.sql", Schema),
            ("migrations/0002_tables.sql", Tables),
            ("migrations/0003_broken.sql", "CREATE TABLE trading.gamma (id int);\n\nINSERT INTO trading.gamma\n  VALUES (1);\n"),
            ("migrations/0004_after.sql", "CREATE TABLE trading.delta (id int);"));
        var resumed = await fixedSet.MigrateAsync(Ct);

        Assert.Equal(["0003_broken", "0004_after"], resumed.Applied.Select(a => a.Id));
        Assert.Equal(["0001_schema", "0002_tables", "0003_broken", "0004_after"], await JournalAsync());
        Assert.True(await ExistsAsync("trading.delta"));
    }

    [Fact]
    public async Task Failing_no_transaction_migration_keeps_earlier_statements_writes_no_journal_row_and_runs_again_in_full()
    {
        const string broken = """
            -- trading:no-transaction
            CREATE TABLE IF NOT EXISTS trading.events (id int, note text);
            CREATE INDEX CONCURRENTLY IF NOT EXISTS events_note ON trading.events (note);
            SELECT 1 / (SELECT count(*) FROM trading.events WHERE id = 42);
            """;
        var failing = Installer(("migrations/0001_schema.sql", Schema), ("migrations/0002_events.sql", broken));

        var ex = await Assert.ThrowsAsync<TradingSchemaException>(() => failing.MigrateAsync(Ct));

        Assert.Equal("migrations/0002_events.sql", ex.FileName);
        Assert.Contains("failed at line 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outside a transaction", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["0001_schema"], await JournalAsync());
        Assert.True(await ExistsAsync("trading.events"));
        Assert.True(await ExistsAsync("trading.events_note"));

        await using (var seed = DataSource.CreateCommand("INSERT INTO trading.events VALUES (42, 'fixed')"))
        {
            await seed.ExecuteNonQueryAsync(Ct);
        }

        var resumed = await failing.MigrateAsync(Ct);

        Assert.Equal(["0002_events"], resumed.Applied.Select(a => a.Id));
        Assert.Equal(["0001_schema", "0002_events"], await JournalAsync());
    }

    [Fact]
    public async Task Repeatable_script_runs_again_when_a_setting_changes_and_reads_the_settings()
    {
        const string repeatable = """
            CREATE OR REPLACE VIEW trading.settings_seen AS
            SELECT current_setting('trading_timescale.retention_stock_prices') AS retention_at_install,
                   current_setting('trading_timescale.edition') AS edition_at_install,
                   current_setting('trading_timescale.exchange_time_zone') AS zone_at_install;
            CREATE TABLE IF NOT EXISTS trading.runs (retention text);
            INSERT INTO trading.runs VALUES (current_setting('trading_timescale.retention_stock_prices'));
            """;
        (string, string)[] files = [("migrations/0001_schema.sql", Schema), ("repeatable/10_settings.sql", repeatable)];

        var first = await Installer(new TradingTimescaleOptions(), files).MigrateAsync(Ct);
        var unchanged = await Installer(new TradingTimescaleOptions(), files).MigrateAsync(Ct);
        var changedOptions = new TradingTimescaleOptions { Retention = { StockPrices = TimescaleInterval.Parse("120 days") } };
        var changed = await Installer(changedOptions, files).MigrateAsync(Ct);

        Assert.Equal(["0001_schema", "10_settings"], first.Applied.Select(a => a.Id));
        Assert.Empty(unchanged.Applied);
        Assert.Equal(["10_settings"], changed.Applied.Select(a => a.Id));
        Assert.NotEqual(first.Applied[1].Checksum, changed.Applied[0].Checksum);
        Assert.Equal(SchemaMigrationKind.Repeatable, changed.Applied[0].Kind);
        Assert.Equal(["90 days", "120 days"], await ListAsync("SELECT retention FROM trading.runs"));
        Assert.Equal(["0001_schema", "10_settings"], await JournalAsync());
    }

    [Fact]
    public async Task Edition_variant_is_chosen_for_the_server_edition()
    {
        var installer = Installer(
            ("migrations/0001_schema.sql", Schema),
            ("migrations/0002_feature.sql", "CREATE TABLE trading.plain (id int);"),
            ("migrations/0002_feature.apache.sql", "CREATE TABLE trading.for_apache (id int);"),
            ("migrations/0002_feature.community.sql", "CREATE TABLE trading.for_community (id int);"),
            ("migrations/0003_only_community.community.sql", "CREATE TABLE trading.community_only (id int);"));

        var report = await installer.MigrateAsync(Ct);

        var edition = Edition == TimescaleEdition.Apache ? "apache" : "community";
        Assert.Equal($"migrations/0002_feature.{edition}.sql", report.Applied.Single(a => a.Id == "0002_feature").FileName);
        Assert.True(await ExistsAsync($"trading.for_{edition}"));
        Assert.False(await ExistsAsync("trading.plain"));
        Assert.Equal(Edition == TimescaleEdition.Community, await ExistsAsync("trading.community_only"));
    }

    [Fact]
    public async Task A_file_outside_a_transaction_reports_each_statement_and_its_info_messages_as_progress_and_notices_stay_at_debug()
    {
        var logger = new CapturingLogger<TradingSchemaInstaller>();
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions(), new InMemoryMigrationSource(
            [("migrations/0001_schema.sql", Schema),
             ("migrations/0002_long.sql", "-- trading:no-transaction\nDO $$ BEGIN RAISE INFO 'history: 3 of 6 done'; RAISE NOTICE 'relation exists, skipping'; END $$;")]),
            logger);

        await installer.MigrateAsync(Ct);

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Running migrations/0002_long.sql statement 1 of 1 (line ", StringComparison.Ordinal));
        Assert.Contains((LogLevel.Information, "PostgreSQL INFO: history: 3 of 6 done"), logger.Entries);
        Assert.Contains((LogLevel.Debug, "PostgreSQL NOTICE: relation exists, skipping"), logger.Entries);
        Assert.DoesNotContain(logger.Entries, e => e.Level > LogLevel.Debug && e.Message.Contains("skipping", StringComparison.Ordinal));
    }

    private TradingSchemaInstaller Installer(params (string Path, string Text)[] files) => Installer(new TradingTimescaleOptions(), files);

    private TradingSchemaInstaller Installer(TradingTimescaleOptions options, params (string Path, string Text)[] files) =>
        new(DataSource, options, new InMemoryMigrationSource(files), null);

    private async Task<bool> ExistsAsync(string relation)
    {
        await using var command = DataSource.CreateCommand($"SELECT to_regclass('{relation}') IS NOT NULL");
        return (bool)(await command.ExecuteScalarAsync(Ct))!;
    }

    private Task<List<string>> JournalAsync() => ListAsync("SELECT id FROM trading.schema_migrations ORDER BY id");

    private async Task<List<string>> ListAsync(string sql)
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
