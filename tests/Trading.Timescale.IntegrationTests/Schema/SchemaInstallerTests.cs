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
        await installer.AssertUpToDateAsync(Ct);
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
