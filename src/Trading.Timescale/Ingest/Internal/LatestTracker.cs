using System.Runtime.InteropServices;
using Npgsql;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// The newest row per snapshot key among the rows written in the open transaction. Ingestion offers every written
/// row (a dictionary lookup) and flushes the few survivors to the snapshot table before it commits, so the snapshot
/// costs one small upsert per transaction instead of a scan of the hypertable.
/// </summary>
internal sealed class LatestTracker<T>(TableMap<T> map, LatestSnapshot<T> snapshot)
    where T : TradingRecord
{
    private readonly Dictionary<string, T> _rows = new(StringComparer.Ordinal);

    public int Count => _rows.Count;

    /// <summary>Forgets the tracked rows (their transaction was rolled back).</summary>
    public void Clear() => _rows.Clear();

    public void Offer(T row)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_rows, snapshot.Key(row), out var exists);
        if (!exists || row.Timestamp >= slot!.Timestamp)
        {
            slot = row;
        }
    }

    /// <summary>
    /// Upserts the tracked rows: a binary COPY into the (empty, existing) staging table, then one merge in key order, so
    /// concurrent writers lock keys in the same order.
    /// </summary>
    /// <returns>Snapshot rows inserted or changed.</returns>
    public async Task<long> FlushAsync(NpgsqlConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_rows.Count == 0)
        {
            return 0;
        }

        await BinaryCopyWriter.CopyAsync(connection, map.StagingCopySql, map.Columns, _rows.Values, timeout, cancellationToken).ConfigureAwait(false);
        using var command = new NpgsqlCommand(snapshot.FlushFromStagingSql, connection)
        {
            CommandTimeout = timeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Ceiling(timeout.TotalSeconds),
        };
        var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _rows.Clear();
        return changed;
    }
}
