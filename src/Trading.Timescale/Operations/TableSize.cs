using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations;

/// <summary>
/// The size of one table of the trading schema. For a hypertable the sizes include every chunk
/// (<c>hypertable_detailed_size()</c>); <c>pg_total_relation_size</c> on its parent alone leaves the chunks out.
/// </summary>
public sealed class TableSize
{
    internal TableSize(CatalogTable table)
    {
        Name = table.Name;
        IsHypertable = table.IsHypertable;
        Chunks = table.ChunkCount;
        TableBytes = table.TableBytes;
        IndexBytes = table.IndexBytes;
        ToastBytes = table.ToastBytes;
        TotalBytes = table.TotalBytes;
    }

    /// <summary>The table name, without the schema.</summary>
    public string Name { get; }

    /// <summary>Whether it is a hypertable.</summary>
    public bool IsHypertable { get; }

    /// <summary>The number of chunks (0 for a plain table).</summary>
    public long Chunks { get; }

    /// <summary>Bytes of table data.</summary>
    public long TableBytes { get; }

    /// <summary>Bytes of indexes.</summary>
    public long IndexBytes { get; }

    /// <summary>Bytes of TOAST data.</summary>
    public long ToastBytes { get; }

    /// <summary>All bytes: table, indexes and TOAST, chunks included.</summary>
    public long TotalBytes { get; }
}
