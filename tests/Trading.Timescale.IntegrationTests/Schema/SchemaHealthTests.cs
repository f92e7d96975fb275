using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Schema;

public sealed class SchemaHealthTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_reports_hypertables_with_their_chunks_and_the_edition()
    {
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions());
        await installer.MigrateAsync(Ct);
        await using (var insert = DataSource.CreateCommand(
            """
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price)
            VALUES ('AAPL', date_trunc('day', now()) - interval '6 days 9 hours', 190), ('AAPL', date_trunc('day', now()) - interval '5 days 9 hours', 191),
                   ('MSFT', date_trunc('day', now()) - interval '3 days 9 hours', 410)
            """))
        {
            await insert.ExecuteNonQueryAsync(Ct);
        }

        var health = await installer.CheckHealthAsync(Ct);

        // Job runs are TimescaleDB's business (a server may run or fail them at any time): only the rest is this test's.
        Assert.DoesNotContain(health.Problems, p => !p.StartsWith("job ", StringComparison.Ordinal));
        Assert.Equal(health.Problems.Count == 0, health.IsHealthy);
        Assert.Empty(health.PendingMigrations);
        Assert.Equal(Edition, health.Server.Edition);
        Assert.False(string.IsNullOrEmpty(health.Server.TimescaleVersion));
        var stockPrices = health.Hypertables.Single(h => h.Name == "stock_prices");
        Assert.Equal(3, stockPrices.ChunkCount);
        Assert.Equal(TimescaleInterval.FromDays(1), stockPrices.ChunkInterval);
        Assert.True(stockPrices.TotalBytes > 0);
        Assert.Equal(TimescaleInterval.FromDays(7), health.Hypertables.Single(h => h.Name == "performance_metrics").ChunkInterval);
        Assert.Equal(0, health.Hypertables.Single(h => h.Name == "signals").ChunkCount);
    }

    [Fact]
    public async Task Apache_edition_reports_compression_aggregates_and_policies_as_unavailable()
    {
        Assert.SkipUnless(Edition == TimescaleEdition.Apache, $"This server runs the {Edition} edition.");
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions());
        await installer.MigrateAsync(Ct);

        var health = await installer.CheckHealthAsync(Ct);

        Assert.False(health.Compression.Available);
        Assert.Equal("unavailable on the apache edition", health.Compression.UnavailableReason);
        Assert.Empty(health.Compression.Items);
        Assert.False(health.Jobs.Available);
        Assert.Equal("unavailable on the apache edition", health.Jobs.UnavailableReason);
        Assert.False(health.ContinuousAggregates.Available);
        Assert.Equal("unavailable on the apache edition", health.ContinuousAggregates.UnavailableReason);
    }

    [Fact]
    public async Task Community_edition_reports_compression_aggregates_and_policies()
    {
        RequireCommunityEdition("Compression, continuous aggregates and policies");
        var installer = new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions());
        await installer.MigrateAsync(Ct);

        var health = await installer.CheckHealthAsync(Ct);

        Assert.True(health.Compression.Available);
        Assert.Null(health.Compression.UnavailableReason);
        Assert.Equal(health.Hypertables.Select(h => h.Name), health.Compression.Items.Select(c => c.Hypertable));
        Assert.True(health.Jobs.Available);
        Assert.True(health.ContinuousAggregates.Available);
    }

    [Fact]
    public async Task Database_not_migrated_reports_every_migration_as_a_problem()
    {
        var health = await new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions()).CheckHealthAsync(Ct);

        Assert.False(health.IsHealthy);
        Assert.Contains("0001_schema", health.PendingMigrations);
        Assert.Contains(health.Problems, p => p.Contains("0002_tables", StringComparison.Ordinal) && p.Contains("pending", StringComparison.Ordinal));
        Assert.Empty(health.Hypertables);
    }
}
