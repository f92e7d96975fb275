using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway local cluster of one test class, which its tests stop, start and restart in immediate mode to inject
/// real server faults; the shared server of the run is never touched. Background jobs are paused in its databases.
/// Commits reach the write-ahead log before they are acknowledged (synchronous_commit=on), so an acknowledged row
/// survives an immediate stop; fsync stays off, since the operating system keeps its page cache through a server crash.
/// </summary>
public sealed class RestartableServerFixture : IAsyncLifetime
{
    private TimescaleTestServer? _server;

    public TimescaleTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync() =>
        _server = await TimescaleTestServer.StartAsync(
            Options(), TestContext.Current.CancellationToken);

    /// <summary>The options of a local cluster whose acknowledged commits survive an immediate stop.</summary>
    public static TimescaleTestServerOptions Options() => new()
    {
        ConnectionStringVariable = null,
        UseContainer = false,
        UseLocalCluster = true,
        BackgroundJobs = false,
        ServerSettings = { ["synchronous_commit"] = "on" },
    };

    /// <summary>A new database with the trading schema installed.</summary>
    public async Task<TimescaleTestDatabase> CreateTradingDatabaseAsync(string prefix, CancellationToken cancellationToken)
    {
        var database = await Server.CreateDatabaseAsync(prefix, cancellationToken);
        await database.InstallSchemaAsync(cancellationToken: cancellationToken);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>A test class on a <see cref="RestartableServerFixture"/>: a fresh database per test, dropped afterwards.</summary>
public abstract class RestartableServerTest(RestartableServerFixture fixture, string prefix, bool installSchema = true) : IClassFixture<RestartableServerFixture>, IAsyncLifetime
{
    private TimescaleTestDatabase? _database;

    protected RestartableServerFixture Fixture { get; } = fixture;

    /// <summary>The server that the tests stop, start and restart.</summary>
    protected TimescaleTestServer Server => Fixture.Server;

    protected TimescaleTestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() =>
        _database = installSchema ? await Fixture.CreateTradingDatabaseAsync(prefix, Ct) : await Server.CreateDatabaseAsync(prefix, Ct);

    public virtual async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
