using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema;

/// <summary>One hypertable of the trading schema as TimescaleDB reports it.</summary>
public sealed class HypertableHealth
{
    internal HypertableHealth(CatalogTable hypertable)
    {
        Name = hypertable.Name;
        ChunkCount = hypertable.ChunkCount;
        ChunkInterval = hypertable.ChunkInterval;
        TotalBytes = hypertable.TotalBytes;
    }

    /// <summary>The table name, such as <c>stock_prices</c>.</summary>
    public string Name { get; }

    /// <summary>The number of chunks.</summary>
    public long ChunkCount { get; }

    /// <summary>The chunk interval of the time dimension (TimescaleDB keeps months as 30 days).</summary>
    public TimescaleInterval? ChunkInterval { get; }

    /// <summary>The size on disk, tables, indexes and TOAST together.</summary>
    public long TotalBytes { get; }
}
