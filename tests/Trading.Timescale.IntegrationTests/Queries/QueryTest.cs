using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>A fresh database with the schema installed (America/New_York) and the query builders on it.</summary>
public abstract class QueryTest(TimescaleServerFixture server) : DatabaseTest(server)
{
    private TradingDatabase? _trading;

    protected TradingDatabase Trading => _trading ?? throw new InvalidOperationException("Not initialized.");

    protected TradingQueries Queries => Trading.Queries;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // The data is dated months back so that expectations stay fixed; a retention job would drop it.
        await PauseJobsAsync();
        await Database.InstallSchemaAsync(cancellationToken: Ct);
        _trading = new TradingDatabase(DataSource, new TradingTimescaleOptions());
    }

    /// <summary>Runs SQL as another tool would, bypassing the library's ingest (and its latest snapshots).</summary>
    protected async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
