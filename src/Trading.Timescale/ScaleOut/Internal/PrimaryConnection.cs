using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Trading.Timescale.ScaleOut.Internal;

/// <summary>Opens the connections of writes; over a multi-host data source, a missing primary becomes a <see cref="NoPrimaryException"/>.</summary>
internal static class PrimaryConnection
{
    private static readonly ConditionalWeakTable<NpgsqlDataSource, IReadOnlyList<string>> HostsByPrimarySource = new();

    /// <summary>Marks <paramref name="primary"/> as the primary-targeted side of a multi-host data source with these hosts.</summary>
    public static void Register(NpgsqlDataSource primary, string connectionString)
    {
        var hosts = ScaleOut.TradingReplication.Hosts(new NpgsqlConnectionStringBuilder(connectionString))
            .Select(h => h.Host + ":" + h.Port.ToString(CultureInfo.InvariantCulture)).ToArray();
        HostsByPrimarySource.AddOrUpdate(primary, hosts);
    }

    public static async ValueTask<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException && !cancellationToken.IsCancellationRequested && HostsByPrimarySource.TryGetValue(dataSource, out var hosts))
        {
            throw new NoPrimaryException(hosts, ex);
        }
    }

    /// <summary>Opens <paramref name="connection"/>, a connection of its own made from <paramref name="dataSource"/>'s settings.</summary>
    public static async Task OpenAsync(NpgsqlConnection connection, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException && !cancellationToken.IsCancellationRequested && HostsByPrimarySource.TryGetValue(dataSource, out var hosts))
        {
            throw new NoPrimaryException(hosts, ex);
        }
    }
}
