using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema;

/// <summary>Compression of one hypertable of the trading schema (community edition).</summary>
public sealed class CompressionHealth
{
    internal CompressionHealth(CatalogTable hypertable)
    {
        Hypertable = hypertable.Name;
        Enabled = hypertable.Compression?.Enabled ?? false;
        TotalChunks = hypertable.ChunkCount;
        CompressedChunks = hypertable.Compression?.CompressedChunks ?? 0;
        BytesBeforeCompression = hypertable.Compression?.BytesBeforeCompression;
        BytesAfterCompression = hypertable.Compression?.BytesAfterCompression;
    }

    /// <summary>The hypertable name.</summary>
    public string Hypertable { get; }

    /// <summary>Whether compression is enabled on it.</summary>
    public bool Enabled { get; }

    /// <summary>The number of chunks.</summary>
    public long TotalChunks { get; }

    /// <summary>The number of compressed chunks.</summary>
    public long CompressedChunks { get; }

    /// <summary>The size of the compressed chunks before compression, when any chunk is compressed.</summary>
    public long? BytesBeforeCompression { get; }

    /// <summary>The size of the compressed chunks after compression, when any chunk is compressed.</summary>
    public long? BytesAfterCompression { get; }
}
