namespace Trading.Timescale.Operations;

/// <summary>What <see cref="TradingOperations.MaintainAsync"/> does.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>List what would be dropped, compressed and refreshed, and change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Drop chunks past each hypertable's retention (every edition). Default: true.</summary>
    public bool Retention { get; init; } = true;

    /// <summary>Compress uncompressed chunks older than <c>compress_after</c> (community edition). Default: true.</summary>
    public bool Compression { get; init; } = true;

    /// <summary>Refresh every continuous aggregate over its refresh policy's window (community edition). Default: true.</summary>
    public bool RefreshAggregates { get; init; } = true;

    /// <summary>
    /// Refresh the screen state of every bar width refreshed before (every edition; nothing when the state was never
    /// refreshed). On the community edition it first refreshes the aggregates the widths read. Default: true.
    /// </summary>
    public bool RefreshScreenState { get; init; } = true;
}
