using Trading.Timescale;
using Trading.Timescale.Testing;

namespace WorkerService;

/// <summary>The configured database, else a throwaway local server with a fresh database.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly TimescaleTestServer? _server;
    private readonly TimescaleTestDatabase? _database;

    private LocalServer(string connectionString, TimescaleTestServer? server = null, TimescaleTestDatabase? database = null)
    {
        ConnectionString = connectionString;
        _server = server;
        _database = database;
    }

    public string ConnectionString { get; }

    /// <summary>TradingTimescale:ConnectionString, TRADING_TIMESCALE_CONNECTION or DATABASE_URL, else a throwaway server.</summary>
    public static async Task<LocalServer> StartIfNeededAsync(IConfiguration configuration)
    {
        var configured = configuration["TradingTimescale:ConnectionString"]
            ?? Environment.GetEnvironmentVariable(TradingConnectionString.EnvironmentVariable)
            ?? Environment.GetEnvironmentVariable("DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new LocalServer(configured);
        }

        var server = await TimescaleTestServer.StartAsync();
        var database = await server.CreateDatabaseAsync("worker");
        Console.WriteLine($"No connection configured: using a throwaway server, {server.Describe()}");
        return new LocalServer(database.ConnectionString, server, database);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
