using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.ScaleOut;

/// <summary>
/// A throwaway primary and one streaming standby (made with <c>pg_basebackup -R</c>) for one test class. Commits reach
/// the write-ahead log before they are acknowledged, so a stopped primary loses nothing it acknowledged.
/// </summary>
public sealed class ReplicatedServerFixture : IAsyncLifetime
{
    private TimescaleTestServer? _primary;
    private TimescaleTestStandby? _standby;

    public TimescaleTestServer Primary => _primary ?? throw new InvalidOperationException("The primary has not started.");

    public TimescaleTestStandby Standby => _standby ?? throw new InvalidOperationException("The standby has not started.");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _primary = await TimescaleTestServer.StartAsync(RestartableServerFixture.Options(), ct);
        _standby = await _primary.AddStandbyAsync(ct);
    }

    /// <summary>A new database with the trading schema, replayed on the standby, and its multi-host connection string.</summary>
    public async Task<(TimescaleTestDatabase Database, string MultiHost)> CreateTradingDatabaseAsync(string prefix, CancellationToken cancellationToken)
    {
        var database = await Primary.CreateDatabaseAsync(prefix, cancellationToken);
        await database.InstallSchemaAsync(cancellationToken: cancellationToken);
        await Standby.WaitForReplayAsync(cancellationToken);
        return (database, Primary.MultiHostConnectionString(database, Standby));
    }

    public async ValueTask DisposeAsync()
    {
        if (_standby is not null)
        {
            await _standby.DisposeAsync();
        }

        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }
}

/// <summary>Reads which server a connection landed on, from the server itself.</summary>
public static class ServerIdentity
{
    /// <summary>The port the server answers on and whether it is in recovery (a standby).</summary>
    public static async Task<(int Port, bool InRecovery)> OfAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT inet_server_port(), pg_is_in_recovery()", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetBoolean(1));
    }

    public static async Task<(int Port, bool InRecovery)> OfAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return await OfAsync(connection, cancellationToken);
    }
}
