using Trading.Timescale.ScaleOut;

namespace Trading.Timescale;

/// <content>The ScaleOut capability.</content>
public sealed partial class TradingDatabase
{
    /// <summary>
    /// Lists every host of the connection string with its role (primary or standby) and replication lag
    /// (<see cref="TradingReplication.GetServersAsync"/>). It uses <see cref="TradingTimescaleOptions.ConnectionString"/>,
    /// else the data source's connection string, which carries no password.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One entry per host, in the connection string's order.</returns>
    public Task<IReadOnlyList<ReplicationServer>> GetServersAsync(CancellationToken cancellationToken = default) =>
        TradingReplication.GetServersAsync(Options.ConnectionString ?? DataSource.ConnectionString, cancellationToken);
}
