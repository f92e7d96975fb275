namespace Trading.Timescale.Ingest.Internal;

// Append batches: rows validated and streamed into one binary COPY as they are read.
internal sealed partial class IngestRun<T>
    where T : TradingRecord
{
    /// <summary>
    /// One append batch, streamed: each row is validated, then written to the batch's COPY at once, so the server
    /// works while the client reads and checks the next rows. An invalid row under Reject stops the sending; the rest
    /// of the batch is still checked so every invalid row is reported, then the COPY is abandoned and the transaction
    /// rolls back: nothing of the batch is committed.
    /// </summary>
    /// <returns>Whether the input has more rows, and how many valid rows the batch sent.</returns>
    private async Task<(bool More, int Valid)> AppendBatchAsync(RowSource<T> source, CancellationToken cancellationToken)
    {
        var columns = _map.Columns;
        BinaryCopyWriter? importer = null;
        List<IngestRowError>? invalid = null;
        var more = true;
        _sendFailure = null;
        try
        {
            while (_sent + _invalidCount < _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _phase = Phase.Reading;
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

                if (invalid is not null)
                {
                    continue;
                }

                var row = source.Current!;
                Keep(_sent++, row, _rowsRead);
                if (_sendFailure is not null)
                {
                    // The connection failed: the rest of the batch is only read, to be written again.
                    continue;
                }

                _phase = Phase.Writing;
                try
                {
                    if (importer is null)
                    {
                        _transaction ??= await _connection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                        importer = await BinaryCopyWriter.BeginAsync(_connection!, _map.CopySql, Timeout, cancellationToken).ConfigureAwait(false);
                    }

                    importer.WriteRow(columns, row);
                    _latest?.Offer(row);
                    if (importer.ShouldFlush)
                    {
                        await importer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (CanRetry(ex))
                {
                    _sendFailure = ex;
                    if (importer is not null)
                    {
                        await DisposeQuietlyAsync(importer).ConfigureAwait(false);
                        importer = null;
                    }
                }
            }

            _batchLastRow = _rowsRead;
            if (invalid is not null)
            {
                throw Invalid(invalid);
            }

            _batchRead = true;
            if (_sent > 0)
            {
                // A batch without valid rows leaves the one before it in memory, for the final commit's retry.
                _buffered = _bufferedValid = _sent;
            }

            _phase = Phase.Writing;
            if (_sendFailure is { } failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            if (importer is not null)
            {
                await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                await importer.DisposeAsync().ConfigureAwait(false);
                importer = null;
            }

            _changedPending += _sent;
            return (more, _sent);
        }
        catch when (importer is not null)
        {
            _batchLastRow = _rowsRead;
            await DisposeQuietlyAsync(importer).ConfigureAwait(false);
            throw;
        }
    }
}
