namespace Trading.Timescale.Schema;

/// <summary>One continuous aggregate of the trading schema (community edition).</summary>
public sealed class ContinuousAggregateHealth
{
    internal ContinuousAggregateHealth(string name, bool materializedOnly, long chunkCount)
    {
        Name = name;
        MaterializedOnly = materializedOnly;
        ChunkCount = chunkCount;
    }

    /// <summary>The view name, such as <c>stock_prices_1m</c>.</summary>
    public string Name { get; }

    /// <summary>Whether queries read only materialized data (no real-time part).</summary>
    public bool MaterializedOnly { get; }

    /// <summary>The number of chunks of its materialization hypertable.</summary>
    public long ChunkCount { get; }
}
