namespace Trading.Timescale.Operations;

/// <summary>What a maintenance action does.</summary>
public enum MaintenanceActionKind
{
    /// <summary>Drops a chunk past its hypertable's retention (<c>trading.apply_retention()</c>).</summary>
    DropChunk = 0,

    /// <summary>Compresses a chunk older than <c>compress_after</c> (community edition).</summary>
    CompressChunk = 1,

    /// <summary>Refreshes a continuous aggregate over its refresh window (community edition).</summary>
    RefreshAggregate = 2,
}
