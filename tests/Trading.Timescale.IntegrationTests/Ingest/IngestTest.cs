using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>A fresh database with the schema installed, and a <see cref="TradingIngest"/> on a fixed clock.</summary>
public abstract class IngestTest(TimescaleServerFixture server) : DatabaseTest(server)
{
    /// <summary>The clock's time: test data lies before it.</summary>
    protected static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 0, 0);

    private TradingIngest? _ingest;
    private TradingQueries? _queries;

    protected FixedClock Clock { get; } = new(Now);

    protected TradingIngest Ingest => _ingest ?? throw new InvalidOperationException("Not initialized.");

    protected TradingQueries Queries => _queries ?? throw new InvalidOperationException("Not initialized.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // The data is dated months back so that expectations stay fixed; a retention job would drop it.
        await PauseJobsAsync();
        await Database.InstallSchemaAsync(cancellationToken: Ct);
        _ingest = new TradingIngest(DataSource, clock: Clock);
        _queries = new TradingQueries(DataSource);
    }

    protected async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync(Ct);
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }
}

/// <summary>A clock that reads a settable instant.</summary>
public sealed class FixedClock(Instant now) : IClock
{
    public Instant Now { get; set; } = now;

    public Instant GetCurrentInstant() => Now;
}
