using NodaTime;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations;

/// <summary>One chunk of a trading hypertable: its time range, size and compression (compression on the community edition only).</summary>
public sealed class ChunkStats
{
    internal ChunkStats(CatalogChunk chunk)
    {
        Hypertable = chunk.Hypertable;
        Chunk = chunk.Chunk;
        RangeStart = chunk.RangeStart;
        RangeEnd = chunk.RangeEnd;
        IsCompressed = chunk.IsCompressed;
        TotalBytes = chunk.TotalBytes;
        BytesBeforeCompression = chunk.BytesBeforeCompression;
        BytesAfterCompression = chunk.BytesAfterCompression;
    }

    /// <summary>The hypertable name, without the schema.</summary>
    public string Hypertable { get; }

    /// <summary>The chunk, as <c>schema.name</c>.</summary>
    public string Chunk { get; }

    /// <summary>The start of the chunk's time range (inclusive).</summary>
    public Instant? RangeStart { get; }

    /// <summary>The end of the chunk's time range (exclusive).</summary>
    public Instant? RangeEnd { get; }

    /// <summary>Whether the chunk is compressed (always false on the apache edition).</summary>
    public bool IsCompressed { get; }

    /// <summary>The chunk's size now, compressed or not (<c>chunks_detailed_size</c>).</summary>
    public long TotalBytes { get; }

    /// <summary>Its size before compression, when compressed.</summary>
    public long? BytesBeforeCompression { get; }

    /// <summary>Its size after compression, when compressed.</summary>
    public long? BytesAfterCompression { get; }

    /// <summary>Before divided by after, when compressed.</summary>
    public double? CompressionRatio =>
        BytesBeforeCompression is { } before && BytesAfterCompression is { } after && after > 0 ? (double)before / after : null;
}
