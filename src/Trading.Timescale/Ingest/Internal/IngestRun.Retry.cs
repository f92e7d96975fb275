using System.Diagnostics;
using Trading.Timescale.Internal;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Ingest.Internal;

// Retries after a transient failure: which failures may run again, and the batch kept in memory to write again.
internal sealed partial class IngestRun<T>
    where T : TradingRecord
{
    /// <summary>
    /// Whether a failed attempt can run again: the failure is transient, it did not come from the input, and the
    /// failed transaction held no batch but the current one, which is still in memory.
    /// </summary>
    private bool CanRetry(Exception exception) =>
        !_cancellation.IsCancellationRequested && _phase != Phase.Reading && _priorBatches == 0
        && (TransientRetry.IsTransient(exception) || ConnectionBroken(exception));

    private bool ConnectionBroken(Exception exception) =>
        exception is InvalidOperationException or ObjectDisposedException && _connection is { } connection
        && connection.FullState.HasFlag(System.Data.ConnectionState.Broken);

    /// <summary>
    /// Writes the batch kept in memory again, in a new transaction on a new connection: as an upsert on the natural key
    /// in upsert mode or when the outcome of its COMMIT is unknown, else with the same COPY.
    /// </summary>
    private async Task RewriteBatchAsync(CancellationToken cancellationToken)
    {
        _phase = Phase.Connecting;
        var broken = _connection is null || _connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || _connection.State != System.Data.ConnectionState.Open;
        if (_transaction is not null)
        {
            await DisposeQuietlyAsync(_transaction).ConfigureAwait(false);
            _transaction = null;
        }

        if (_connection is not null)
        {
            await DisposeQuietlyAsync(_connection).ConfigureAwait(false);
            _connection = null;
        }

        if (broken)
        {
            // The pool's idle connections went down with this one.
            _dataSource.Clear();
        }

        _stagingReady = false;
        _savepoints = 0;
        _rowsPending = _changedPending = _latestPending = 0;
        _batchesPending = 0;
        _latest?.Clear();
        _connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        _phase = Phase.Writing;
        _transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        _transactionStarted = Stopwatch.GetTimestamp();
        var batch = _batch!;
        if (_mode == IngestMode.Upsert || _inDoubt)
        {
            _buffered = KeepLastPerKey(batch, _buffered);
            _keysMayExist = true;
            await EnsureStagingAsync(_connection, cancellationToken).ConfigureAwait(false);
            await BinaryCopyWriter.CopyAsync(_connection, _map.StagingCopySql, _map.Columns, new ArraySegment<T>(batch, 0, _buffered), Timeout, cancellationToken).ConfigureAwait(false);
            _changedPending += await MergeAsync(_connection, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await BinaryCopyWriter.CopyAsync(_connection, _map.CopySql, _map.Columns, new ArraySegment<T>(batch, 0, _buffered), Timeout, cancellationToken).ConfigureAwait(false);
            _changedPending += _buffered;
        }

        if (_latest is { } latest)
        {
            for (var i = 0; i < _buffered; i++)
            {
                latest.Offer(batch[i]);
            }
        }
    }

    /// <summary>Keeps <paramref name="row"/> at <paramref name="index"/> of the batch in memory, growing it up to the batch size.</summary>
    private void Keep(int index, T row, long rowNumber)
    {
        if (_batch is null || index >= _batch.Length)
        {
            var size = Math.Min(_options.BatchSize, Math.Max(256, (_batch?.Length ?? 0) * 2));
            Array.Resize(ref _batch, size);
            Array.Resize(ref _rowNumbers, size);
        }

        _batch[index] = row;
        _rowNumbers![index] = rowNumber;
    }
}
