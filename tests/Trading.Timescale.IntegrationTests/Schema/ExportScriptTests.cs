using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Schema;

public sealed class ExportScriptTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exported_script_run_with_psql_gives_the_same_journal_and_tables_as_migrate()
    {
        Assert.SkipUnless(File.Exists(Psql.Path), $"psql is not installed at {Psql.Path}.");
        var options = new TradingTimescaleOptions { ChunkIntervals = { Signals = TimescaleInterval.Parse("3 days") } };
        await new TradingSchemaInstaller(DataSource, options).MigrateAsync(Ct);

        var script = await new TradingSchemaInstaller(DataSource, options).ExportScriptAsync(Edition, Ct);
        await using var target = await ServerFixture.Server.CreateDatabaseAsync("ExportScriptTarget", Ct);
        var file = Path.Combine(Path.GetTempPath(), $"{target.Name}.sql");
        await File.WriteAllTextAsync(file, script, Ct);
        try
        {
            var first = await Psql.RunFileAsync(target.ConnectionString, file, Ct);
            Assert.True(first.ExitCode == 0, first.Error);
            var second = await Psql.RunFileAsync(target.ConnectionString, file, Ct);
            Assert.True(second.ExitCode == 0, second.Error);
        }
        finally
        {
            File.Delete(file);
        }

        await using var targetSource = NpgsqlDataSource.Create(target.ConnectionString);
        const string journal = "SELECT id || ' ' || kind || ' ' || edition || ' ' || file_name || ' ' || checksum || ' ' || product_version FROM trading.schema_migrations ORDER BY id";
        const string relations = """
            SELECT c.relname || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'trading' ORDER BY 1
            """;
        const string dimensions = "SELECT hypertable_name || '=' || time_interval::text FROM timescaledb_information.dimensions WHERE hypertable_schema = 'trading' ORDER BY 1";
        var expectedJournal = await ListAsync(DataSource, journal);
        Assert.NotEmpty(expectedJournal);
        Assert.Equal(expectedJournal, await ListAsync(targetSource, journal));
        Assert.Equal(await ListAsync(DataSource, relations), await ListAsync(targetSource, relations));
        Assert.Equal(await ListAsync(DataSource, dimensions), await ListAsync(targetSource, dimensions));
        Assert.Contains("signals=3 days", await ListAsync(targetSource, dimensions));
        Assert.Equal(expectedJournal.Count, (await ListAsync(targetSource, "SELECT count(*)::text FROM trading.schema_migrations")).Select(int.Parse).Single());

        var status = await new TradingSchemaInstaller(targetSource, options).GetStatusAsync(Ct);
        Assert.True(status.IsUpToDate);
    }

    [Fact]
    public async Task Script_sets_the_options_as_quoted_literals_and_wraps_only_transactional_files()
    {
        var options = new TradingTimescaleOptions { ExchangeTimeZone = "Europe/London", CompressAfter = TimescaleInterval.Parse("P14D") };
        var script = await new TradingSchemaInstaller(DataSource, options).ExportScriptAsync(TimescaleEdition.Community, Ct);

        Assert.Contains("set_config('trading_timescale.exchange_time_zone', 'Europe/London', false)", script, StringComparison.Ordinal);
        Assert.Contains("set_config('trading_timescale.compress_after', '14 days', false)", script, StringComparison.Ordinal);
        Assert.Contains("set_config('trading_timescale.edition', 'community', false)", script, StringComparison.Ordinal);
        Assert.Contains("set_config('trading_timescale.refresh_stock_prices_1m_start_offset', '3 hours', false)", script, StringComparison.Ordinal);
        var tables = script.IndexOf("-- ===== migrations/0002_tables.sql", StringComparison.Ordinal);
        Assert.True(tables > 0);
        Assert.Contains("BEGIN;\n-- The trading tables.", script[tables..], StringComparison.Ordinal);
    }

    private static async Task<List<string>> ListAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
