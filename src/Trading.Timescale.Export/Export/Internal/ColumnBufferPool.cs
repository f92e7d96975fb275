using System.Collections.Concurrent;
using Parquet.Schema;

namespace Trading.Timescale.Export;

/// <summary>
/// The column buffers of one export's Parquet files, kept for the next file when a file is done (a date's files complete
/// in the background while the next date fills), so their arrays are allocated once per export rather than per file.
/// </summary>
internal sealed class ColumnBufferPool(IReadOnlyList<ExportColumn> columns)
{
    private readonly ConcurrentBag<ColumnBuffer[]> _free = [];

    /// <summary>The Parquet fields of the columns, shared by every file's schema.</summary>
    public DataField[] Fields { get; } = [.. columns.Select(c => c.ToParquetField())];

    /// <summary>A set of empty buffers, one per column.</summary>
    public ColumnBuffer[] Rent()
    {
        if (!_free.TryTake(out var buffers))
        {
            return [.. columns.Select((c, i) => ColumnBuffer.For(c, Fields[i]))];
        }

        foreach (var buffer in buffers)
        {
            buffer.Clear();
        }

        return buffers;
    }

    /// <summary>Gives a set back; nothing may use it afterwards.</summary>
    public void Return(ColumnBuffer[]? buffers)
    {
        if (buffers is not null)
        {
            _free.Add(buffers);
        }
    }
}
