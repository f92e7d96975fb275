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

    /// <summary>
    /// Brings the screen state of a bar width that was refreshed before up to now (<c>trading.refresh_screen_state</c>),
    /// every edition, so screens answer from it (docs/queries.md, "Screens").
    /// </summary>
    RefreshScreenState = 3,
}
