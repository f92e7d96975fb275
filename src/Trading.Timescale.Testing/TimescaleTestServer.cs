using Npgsql;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Testing;

/// <summary>
/// A PostgreSQL + TimescaleDB server for integration tests. <see cref="StartAsync"/> uses, in order:
/// <c>TRADING_TIMESCALE_CONNECTION</c>, a Testcontainers container when a Docker engine answers, or a
/// throwaway local cluster. Disposing it stops and deletes what it started.
/// </summary>
public sealed class TimescaleTestServer : IAsyncDisposable
{
    private TimescaleTestServer(string connectionString, TimescaleTestServerKind kind, TimescaleServerInfo serverInfo)
    {
        ConnectionString = connectionString;
        Kind = kind;
        ServerInfo = serverInfo;
    }

    /// <summary>A superuser connection string to the server's maintenance database.</summary>
    public string ConnectionString { get; }

    /// <summary>How the server was obtained.</summary>
    public TimescaleTestServerKind Kind { get; }

    /// <summary>The server's PostgreSQL version and TimescaleDB version and edition.</summary>
    public TimescaleServerInfo ServerInfo { get; }

    /// <summary>Starts or connects to a server.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">No strategy could provide a server; the message says what to do.</exception>
    public static async Task<TimescaleTestServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable(TradingConnectionString.EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                $"No test server: set {TradingConnectionString.EnvironmentVariable} to a PostgreSQL server with TimescaleDB.");
        }

        var connectionString = TradingConnectionString.Normalize(configured);
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var info = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
            return new TimescaleTestServer(connectionString, TimescaleTestServerKind.ExistingServer, info);
        }
    }

    /// <summary>Creates a fresh, uniquely named database with the timescaledb extension (when available).</summary>
    /// <param name="namePrefix">A readable prefix for the database name, such as the test class name.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The database; dispose it to drop it.</returns>
    public async Task<TimescaleTestDatabase> CreateDatabaseAsync(string? namePrefix = null, CancellationToken cancellationToken = default)
    {
        var name = TimescaleTestDatabase.MakeName(namePrefix);
        var admin = new NpgsqlConnection(ConnectionString);
        await using (admin.ConfigureAwait(false))
        {
            await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
        if (ServerInfo.Edition != TimescaleEdition.None)
        {
            var connection = new NpgsqlConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS timescaledb", connection);
                await extension.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new TimescaleTestDatabase(name, connectionString, ConnectionString, ServerInfo);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
