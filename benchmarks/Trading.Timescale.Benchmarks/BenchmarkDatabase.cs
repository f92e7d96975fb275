using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;

namespace Trading.Timescale.Benchmarks;

/// <summary>A throwaway database with the schema installed, on the server TimescaleTestServer provides.</summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly TimescaleTestServer _server;
    private readonly bool _ownsServer;
    private readonly TimescaleTestDatabase _database;

    private BenchmarkDatabase(TimescaleTestServer server, bool ownsServer, TimescaleTestDatabase database, NpgsqlDataSource dataSource)
    {
        _server = server;
        _ownsServer = ownsServer;
        _database = database;
        DataSource = dataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    public TimescaleServerInfo ServerInfo => _database.ServerInfo;

    /// <summary>The database's connection string (with its password: pass it to child processes through the environment only).</summary>
    public string ConnectionString => _database.ConnectionString;

    public static async Task<BenchmarkDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var server = await TimescaleTestServer.StartAsync(cancellationToken);
        return await CreateOnAsync(server, true, "bench", cancellationToken);
    }

    /// <summary>Another database with the schema installed, on the same server; disposing it leaves the server running.</summary>
    public Task<BenchmarkDatabase> CreateSiblingAsync(string namePrefix, CancellationToken cancellationToken = default) =>
        CreateOnAsync(_server, false, namePrefix, cancellationToken);

    private static async Task<BenchmarkDatabase> CreateOnAsync(TimescaleTestServer server, bool ownsServer, string namePrefix, CancellationToken cancellationToken)
    {
        var database = await server.CreateDatabaseAsync(namePrefix, cancellationToken);
        await using (var trading = TradingDatabase.Create(database.ConnectionString))
        {
            await trading.Schema.MigrateAsync(cancellationToken);
        }

        var builder = new NpgsqlDataSourceBuilder(database.ConnectionString);
        builder.UseNodaTime();
        return new BenchmarkDatabase(server, ownsServer, database, builder.Build());
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken = default)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Empties the stock tables (dropping chunks) and checkpoints, so every measured path starts alike.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await ExecuteAsync("TRUNCATE trading.stock_prices, trading.latest_stock_prices", cancellationToken);
        await ExecuteAsync("CHECKPOINT", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _database.DisposeAsync();
        if (_ownsServer)
        {
            await _server.DisposeAsync();
        }
    }
}
