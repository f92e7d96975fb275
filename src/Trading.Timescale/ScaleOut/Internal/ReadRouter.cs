using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Trading.Timescale.ScaleOut.Internal;

/// <summary>
/// Opens the connection of one read on the server its <see cref="ReadFrom"/> asks for. Over a multi-host data source
/// (<see cref="NpgsqlMultiHostDataSource"/>) a read for a standby is checked on the connection it lands on when the
/// caller needs its own write (<c>pg_last_wal_replay_lsn()</c> must have passed the write's LSN) or a lag limit is set
/// (<see cref="TradingTimescaleOptions.MaxReplicaLag"/>); a standby that fails the check is passed over, and the read
/// goes to the primary when no standby passes. A data source with one host is used as it is.
/// </summary>
internal sealed class ReadRouter
{
    private const string CheckSql = """
        SELECT pg_is_in_recovery(),
               coalesce(pg_last_wal_replay_lsn() >= $1, true),
               CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                    ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)::float8 END
        """;

    private static readonly ConditionalWeakTable<NpgsqlDataSource, ReadRouter> ByDataSource = new();

    private readonly NpgsqlDataSource _root;
    private readonly NpgsqlDataSource? _primary;
    private readonly NpgsqlDataSource? _preferStandby;
    private readonly NpgsqlDataSource? _standby;
    private readonly int _standbyAttempts;

    private ReadRouter(NpgsqlDataSource root, ReadFrom readFrom, TimeSpan? maxReplicaLag)
    {
        _root = root;
        ReadFrom = readFrom;
        MaxReplicaLag = maxReplicaLag;
        if (root is NpgsqlMultiHostDataSource multiHost)
        {
            _primary = multiHost.WithTargetSession(TargetSessionAttributes.Primary);
            PrimaryConnection.Register(_primary, root.ConnectionString);
            _preferStandby = multiHost.WithTargetSession(TargetSessionAttributes.PreferStandby);
            _standby = multiHost.WithTargetSession(TargetSessionAttributes.Standby);
            var builder = new NpgsqlConnectionStringBuilder(root.ConnectionString);
            var hosts = builder.Host?.Split(',', StringSplitOptions.RemoveEmptyEntries).Length ?? 1;
            // Without load balancing Npgsql picks the first standby up each time, so asking again finds no other.
            _standbyAttempts = builder.LoadBalanceHosts ? Math.Max(1, hosts - 1) : 1;
        }
    }

    /// <summary>The default choice of the database.</summary>
    public ReadFrom ReadFrom { get; }

    /// <summary>The lag beyond which a standby is passed over.</summary>
    public TimeSpan? MaxReplicaLag { get; }

    /// <summary>Whether the data source lists several hosts, so that reads and writes can go to different servers.</summary>
    public bool Routes => _primary is not null;

    /// <summary>
    /// The data source that reaches the primary only: the multi-host source targeted at
    /// <see cref="TargetSessionAttributes.Primary"/>, or <paramref name="dataSource"/> itself with one host.
    /// </summary>
    public static NpgsqlDataSource PrimaryOf(NpgsqlDataSource dataSource) => For(dataSource)._primary ?? dataSource;

    /// <summary>The router of the database over <paramref name="dataSource"/>, else one with the defaults.</summary>
    public static ReadRouter For(NpgsqlDataSource dataSource) =>
        ByDataSource.GetValue(dataSource, static source => new ReadRouter(source, ReadFrom.PreferStandby, maxReplicaLag: null));

    /// <summary>Makes the database's choices those of the reads over <paramref name="dataSource"/>.</summary>
    public static ReadRouter Register(NpgsqlDataSource dataSource, ReadFrom readFrom, TimeSpan? maxReplicaLag)
    {
        var router = new ReadRouter(dataSource, readFrom, maxReplicaLag);
        ByDataSource.AddOrUpdate(dataSource, router);
        return router;
    }

    /// <summary>Opens the connection of one read.</summary>
    /// <param name="readFrom">The query's own choice, else the database's.</param>
    /// <param name="after">A write the read must see: a standby is used only once it has replayed past it.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public async ValueTask<NpgsqlConnection> OpenAsync(ReadFrom? readFrom, NpgsqlLogSequenceNumber? after, CancellationToken cancellationToken)
    {
        if (_primary is null)
        {
            return await _root.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var target = readFrom ?? ReadFrom;
        if (target == ReadFrom.Primary)
        {
            return await _primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var source = target == ReadFrom.Standby ? _standby! : _preferStandby!;
        if (after is null && MaxReplicaLag is null)
        {
            return await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 0; attempt < _standbyAttempts; attempt++)
        {
            NpgsqlConnection connection;
            try
            {
                connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException) when (target == ReadFrom.Standby && !cancellationToken.IsCancellationRequested)
            {
                // No standby is up: a read that needs fresh data still has the primary.
                break;
            }

            try
            {
                if (await IsFreshEnoughAsync(connection, after, cancellationToken).ConfigureAwait(false))
                {
                    return connection;
                }
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }

        return await _primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> IsFreshEnoughAsync(NpgsqlConnection connection, NpgsqlLogSequenceNumber? after, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(CheckSql, connection);
        command.Parameters.Add(new NpgsqlParameter<NpgsqlLogSequenceNumber> { TypedValue = after ?? NpgsqlLogSequenceNumber.Invalid, NpgsqlDbType = NpgsqlDbType.PgLsn });
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!reader.GetBoolean(0))
            {
                return true;
            }

            var replayed = reader.GetBoolean(1);
            var lagSeconds = reader.GetDouble(2);
            return replayed && (MaxReplicaLag is not { } max || lagSeconds <= max.TotalSeconds);
        }
    }
}
