namespace Trading.Timescale.Ingest.Internal;

/// <summary>Compares rows by their natural-key columns, the way the table's unique index does (nulls equal).</summary>
internal sealed class NaturalKeyComparer<T>(Column<T>[] keyColumns) : IEqualityComparer<T>
    where T : TradingRecord
{
    public bool Equals(T? x, T? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        foreach (var column in keyColumns)
        {
            if (!column.KeyEquals(x, y))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(T obj)
    {
        var hash = default(HashCode);
        foreach (var column in keyColumns)
        {
            hash.Add(column.KeyHash(obj));
        }

        return hash.ToHashCode();
    }
}
