using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Ingest.Internal;

// Upsert batches: buffered, reduced to the last row per key, copied into the staging table and merged.
internal sealed partial class IngestRun<T>
    where T : TradingRecord
{
    /// <summary>
    /// Reads one upsert batch: rows are validated into the reused buffer and reduced to the last row per key. Under
    /// Reject an invalid row fails the batch before anything of it is sent.
    /// </summary>
    /// <returns>Whether the input has more rows, and how many valid rows the batch held.</returns>
    private async Task<(bool More, int Valid)> ReadUpsertBatchAsync(RowSource<T> source, CancellationToken cancellationToken)
    {
        var count = 0;
        List<IngestRowError>? invalid = null;
        var more = true;
        _phase = Phase.Reading;
        while (count + _invalidCount < _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!await source.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                more = false;
                break;
            }

            _rowsRead++;
            if ((source.CurrentError ?? Check(source.Current, source.CurrentLine)) is { } error)
            {
                await RefuseAsync(error, ref invalid, cancellationToken).ConfigureAwait(false);
                continue;
            }

            Keep(count++, source.Current!, _rowsRead);
        }

        _batchLastRow = _rowsRead;
        if (invalid is not null)
        {
            throw Invalid(invalid);
        }

        _sent = count == 0 ? 0 : KeepLastPerKey(_batch!, count);
        return (more, count);
    }

    /// <summary>Copies the kept rows of the batch into the staging table and merges them, in key order.</summary>
    private async Task WriteUpsertBatchAsync(CancellationToken cancellationToken)
    {
        var batch = _batch!;
        _phase = Phase.Writing;
        _transaction ??= await _connection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureStagingAsync(_connection!, cancellationToken).ConfigureAwait(false);
        await BinaryCopyWriter.CopyAsync(_connection!, _map.StagingCopySql, _map.Columns, new ArraySegment<T>(batch, 0, _sent), Timeout, cancellationToken).ConfigureAwait(false);
        _changedPending += await MergeAsync(_connection!, cancellationToken).ConfigureAwait(false);
        if (_latest is { } latest)
        {
            for (var i = 0; i < _sent; i++)
            {
                latest.Offer(batch[i]);
            }
        }
    }

    /// <summary>Creates the session's staging table once per transaction that may have created it.</summary>
    private async Task EnsureStagingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!_stagingReady)
        {
            await ExecuteAsync(connection, _map.StagingDdl, cancellationToken).ConfigureAwait(false);
            _stagingReady = true;
        }
    }

    /// <summary>Upserts the tracked snapshot rows through the staging table.</summary>
    private async Task<long> FlushLatestAsync(LatestTracker<T> latest, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await EnsureStagingAsync(connection, cancellationToken).ConfigureAwait(false);
        return await latest.FlushAsync(connection, Timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the last row of each natural key to the front of <paramref name="batch"/>, in input order, and returns how
    /// many there are: a merge may touch each key once, and the later row is the newer value.
    /// </summary>
    private int KeepLastPerKey(T[] batch, int count)
    {
        _keys ??= new HashSet<T>(count, _map.KeyComparer);
        if (_superseded is null || _superseded.Length < count)
        {
            _superseded = new bool[batch.Length];
        }
        _keys.Clear();
        var duplicates = 0;
        for (var i = count - 1; i >= 0; i--)
        {
            var seen = !_keys.Add(batch[i]);
            _superseded[i] = seen;
            duplicates += seen ? 1 : 0;
        }

        _keys.Clear();
        if (duplicates == 0)
        {
            return count;
        }

        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (!_superseded[i])
            {
                batch[kept++] = batch[i];
            }
        }

        Array.Clear(batch, kept, count - kept);
        return kept;
    }

    /// <summary>
    /// Merges the staged batch into the table. While no batch of this call has met an existing key, it first tries a
    /// plain INSERT under a savepoint, which skips the per-row speculative insertion of ON CONFLICT; the first unique
    /// violation rolls back to the savepoint and switches the call to the ON CONFLICT merge. Either way the outcome is
    /// the upsert's. Savepoints per transaction are capped to stay within PostgreSQL's subtransaction cache.
    /// </summary>
    /// <returns>Rows inserted or changed.</returns>
    private async Task<long> MergeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_keysMayExist || _savepoints >= MaxSavepointsPerTransaction)
        {
            return await ExecuteAsync(connection, _map.MergeSql + ";\n" + _map.TruncateStagingSql, cancellationToken).ConfigureAwait(false);
        }

        _savepoints++;
        try
        {
            var inserted = await ExecuteAsync(connection, "SAVEPOINT trading_ingest_insert;\n" + _map.InsertFromStagingSql, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "RELEASE SAVEPOINT trading_ingest_insert;\n" + _map.TruncateStagingSql, cancellationToken).ConfigureAwait(false);
            return inserted;
        }
        catch (PostgresException ex) when (PostgresErrors.IsKeyConflict(ex))
        {
            _keysMayExist = true;
            await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT trading_ingest_insert", cancellationToken).ConfigureAwait(false);
            return await ExecuteAsync(connection, _map.MergeSql + ";\n" + _map.TruncateStagingSql, cancellationToken).ConfigureAwait(false);
        }
    }
}
