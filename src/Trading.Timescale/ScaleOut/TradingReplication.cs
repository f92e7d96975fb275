using System.Net.Sockets;
using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.ScaleOut;

/// <summary>
/// Reads the role and replication lag of every host of a connection string, asking each host directly (one short
/// connection each): <c>pg_is_in_recovery()</c>, <c>pg_stat_replication</c> on a primary, and the replay position and
/// time on a standby. A host that cannot be reached is listed as <see cref="ServerRole.Unreachable"/> with the error.
/// </summary>
public static class TradingReplication
{
    private const string ServerSql = """
        SELECT pg_is_in_recovery(),
               CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::int8 END,
               CASE WHEN NOT pg_is_in_recovery() THEN NULL
                    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                    ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END,
               CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END
        """;

    private const string StandbysSql = """
        SELECT application_name, host(client_addr), state,
               pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::int8,
               CASE WHEN replay_lsn = pg_current_wal_lsn() THEN 0 ELSE extract(epoch FROM replay_lag)::float8 END
        FROM pg_stat_replication ORDER BY application_name, client_addr
        """;

    /// <summary>Lists every host of <paramref name="connectionStringOrUrl"/> with its role and lag, in the connection string's order.</summary>
    /// <param name="connectionStringOrUrl">An Npgsql connection string (<c>Host=a:5432,b:5432;...</c>) or a <c>postgresql://</c> URL.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One entry per host.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or cannot be read.</exception>
    public static async Task<IReadOnlyList<ReplicationServer>> GetServersAsync(string connectionStringOrUrl, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(TradingConnectionString.Normalize(connectionStringOrUrl));
        var servers = new List<ReplicationServer>();
        foreach (var (host, port) in Hosts(builder))
        {
            servers.Add(await ReadAsync(builder, host, port, cancellationToken).ConfigureAwait(false));
        }

        return servers;
    }

    /// <summary>The hosts of <paramref name="builder"/> with their ports (a host's own <c>:port</c>, else <c>Port</c>).</summary>
    internal static IReadOnlyList<(string Host, int Port)> Hosts(NpgsqlConnectionStringBuilder builder)
    {
        var hosts = new List<(string, int)>();
        foreach (var entry in (builder.Host ?? "localhost").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            // host:port, or [IPv6]:port; a bare IPv6 address has colons but no port.
            if (colon > 0 && (entry.IndexOf(':', StringComparison.Ordinal) == colon || entry[colon - 1] == ']') &&
                int.TryParse(entry[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
            {
                hosts.Add((entry[..colon].Trim('[', ']'), port));
            }
            else
            {
                hosts.Add((entry, builder.Port));
            }
        }

        return hosts;
    }

    private static async Task<ReplicationServer> ReadAsync(NpgsqlConnectionStringBuilder template, string host, int port, CancellationToken cancellationToken)
    {
        var single = new NpgsqlConnectionStringBuilder(template.ConnectionString) { Host = host, Port = port, Pooling = false };
        single.Remove("Target Session Attributes");
        single.Remove("Load Balance Hosts");
        try
        {
            var connection = new NpgsqlConnection(single.ConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var command = new NpgsqlCommand(ServerSql, connection);
                bool inRecovery;
                long? bytes;
                double? seconds;
                bool? paused;
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    inRecovery = reader.GetBoolean(0);
                    bytes = reader.Int64(1);
                    seconds = reader.Double(2);
                    paused = reader.IsDBNull(3) ? null : reader.GetBoolean(3);
                }

                if (inRecovery)
                {
                    return new ReplicationServer { Host = host, Port = port, Role = ServerRole.Standby, Lag = new ReplicationLag { Bytes = bytes, Seconds = seconds }, ReplayPaused = paused };
                }

                return new ReplicationServer { Host = host, Port = port, Role = ServerRole.Primary, Standbys = await ReadStandbysAsync(connection, cancellationToken).ConfigureAwait(false) };
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return new ReplicationServer { Host = host, Port = port, Role = ServerRole.Unreachable, Error = ex.Message };
        }
    }

    private static async Task<IReadOnlyList<StandbyConnection>> ReadStandbysAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var standbys = new List<StandbyConnection>();
        using var command = new NpgsqlCommand(StandbysSql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                standbys.Add(new StandbyConnection
                {
                    ApplicationName = reader.String(0),
                    ClientAddress = reader.String(1),
                    State = reader.String(2),
                    Lag = new ReplicationLag { Bytes = reader.Int64(3), Seconds = reader.Double(4) },
                });
            }
        }

        return standbys;
    }
}
