using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// One ingest call. The input is read in batches of <see cref="IngestOptions.BatchSize"/> valid rows; every row is
/// validated before it is sent. An append batch streams into one binary COPY as it is read; an upsert batch is
/// buffered, reduced to the last row per key, copied into a staging table and merged. The newest row per snapshot key
/// is tracked and upserted before each commit. It always knows what is committed, and says so when it fails.
/// </summary>
internal sealed partial class IngestRun<T>
    where T : TradingRecord
{
    private const int MaxSavepointsPerTransaction = 32;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TableMap<T> _map;
    private readonly IngestMode _mode;
    private readonly IngestOptions _options;
    private readonly ValidationContext _context;
    private readonly LatestTracker<T>? _latest;
    private readonly List<IngestRowError> _rejected = [];
    private readonly bool _perBatch;
    private readonly bool _skipInvalid;

    private long _rejectedCount;
    private int _retries;
    private long _rowsRead;
    private long _rowsCommitted;
    private long _changedCommitted;
    private long _latestCommitted;
    private int _batchesCommitted;
    private long _committedThroughRow;
    private long _rowsInDoubt;

    private long _rowsPending;
    private long _changedPending;
    private long _latestPending;
    private int _batchesPending;

    private bool _keysMayExist;
    private int _savepoints;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private bool _stagingReady;
    private T[]? _batch;
    private long[]? _rowNumbers;
    private int _sent;
    private HashSet<T>? _keys;
    private bool[]? _superseded;
    private int _batchNumber;
    private int _batchRows;
    private int _invalidCount;
    private long _batchFirstRow;
    private long _batchLastRow;
    private Phase _phase;
    private long _transactionStarted = Stopwatch.GetTimestamp();

    public IngestRun(NpgsqlDataSource dataSource, TableMap<T> map, IngestMode mode, IngestOptions options, IClock clock)
    {
        _dataSource = dataSource;
        _map = map;
        _mode = mode;
        _options = options;
        _context = new ValidationContext(options, clock);
        _perBatch = options.TransactionMode == IngestTransactionMode.TransactionPerBatch;
        _skipInvalid = options.InvalidRows == InvalidRowHandling.Skip;
        _latest = options.UpdateLatest && map.Latest is { } snapshot ? new LatestTracker<T>(map, snapshot) : null;
    }

    /// <summary>Receives each commit (counts only).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    private enum Phase
    {
        Connecting,
        Reading,
        Writing,
        UpdatingLatest,
        Committing,
    }

    public async Task<IngestResult> RunAsync(RowSource<T> source, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        _rowNumbers = new long[_options.BatchSize];
        try
        {
            _phase = Phase.Connecting;
            source.Start();
            _connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var more = true;
            while (more)
            {
                _context.Refresh();
                _batchNumber++;
                _batchFirstRow = _rowsRead + 1;
                _sent = 0;
                _invalidCount = 0;
                int valid;
                if (_mode == IngestMode.Append)
                {
                    (more, valid) = await AppendBatchAsync(source, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    (more, valid) = await ReadUpsertBatchAsync(source, cancellationToken).ConfigureAwait(false);
                    if (valid > 0)
                    {
                        await WriteUpsertBatchWithRetriesAsync(valid, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                if (valid == 0)
                {
                    if (_transaction is null)
                    {
                        _committedThroughRow = _rowsRead;
                    }

                    continue;
                }

                _rowsPending += valid;
                _batchesPending++;
                if (_perBatch)
                {
                    await CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (_latest is { } latest && latest.Count >= _options.BatchSize)
                {
                    _phase = Phase.UpdatingLatest;
                    _latestPending += await FlushLatestAsync(latest, _connection, cancellationToken).ConfigureAwait(false);
                }
            }

            if (_transaction is not null)
            {
                await CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _committedThroughRow = _rowsRead;
            }

            return new IngestResult
            {
                Table = _map.QualifiedTable,
                Mode = _mode,
                RowsRead = _rowsRead,
                RowsWritten = _rowsCommitted,
                RowsChanged = _changedCommitted,
                Batches = _batchesCommitted,
                LatestRowsChanged = _latestCommitted,
                Rejected = _rejected,
                RowsRejected = _rejectedCount,
                Retries = _retries,
                Elapsed = Stopwatch.GetElapsedTime(started),
            };
        }
        catch (IngestValidationException)
        {
            throw;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or NpgsqlException)
        {
            _batchLastRow = _rowsRead;
            throw new IngestCanceledException(
                $"Ingest into {_map.QualifiedTable} was cancelled while {Doing()}. {Committed()}",
                _map.QualifiedTable, Progress(), ex, cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _batchLastRow = _rowsRead;
            var failedRow = _phase == Phase.Writing && _mode == IngestMode.Append ? CopyRow(ex, _rowNumbers, _sent) : null;
            var where = failedRow is { } row ? string.Create(CultureInfo.InvariantCulture, $" at input row {row:N0}") : string.Empty;
            throw new IngestException(
                $"Ingest into {_map.QualifiedTable} failed while {Doing()}{where}: {Describe(ex)} {Committed()}",
                _map.QualifiedTable, Progress(), _phase == Phase.Reading ? null : _batchNumber, failedRow ?? (_phase == Phase.Reading ? _rowsRead + 1 : null),
                ex is TransientFailure { InnerException: { } postgres } ? postgres : ex);
        }
        finally
        {
            if (_transaction is not null)
            {
                await DisposeQuietlyAsync(_transaction).ConfigureAwait(false);
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

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
                    if (_skipInvalid)
                    {
                        await RejectAsync(error, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        AddInvalid(ref invalid, error);
                    }

                    continue;
                }

                if (invalid is not null)
                {
                    continue;
                }

                _phase = Phase.Writing;
                if (importer is null)
                {
                    _transaction ??= await _connection!.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    importer = await BinaryCopyWriter.BeginAsync(_connection!, _map.CopySql, Timeout, cancellationToken).ConfigureAwait(false);
                }

                var row = source.Current!;
                importer.WriteRow(columns, row);

                _rowNumbers![_sent++] = _rowsRead;
                _latest?.Offer(row);
                if (importer.ShouldFlush)
                {
                    await importer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            _batchLastRow = _rowsRead;
            if (invalid is not null)
            {
                throw Invalid(invalid);
            }

            if (importer is not null)
            {
                _phase = Phase.Writing;
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

    /// <summary>
    /// Reads one upsert batch: rows are validated into the reused buffer and reduced to the last row per key. Under
    /// Reject an invalid row fails the batch before anything of it is sent.
    /// </summary>
    /// <returns>Whether the input has more rows, and how many valid rows the batch held.</returns>
    private async Task<(bool More, int Valid)> ReadUpsertBatchAsync(RowSource<T> source, CancellationToken cancellationToken)
    {
        var batch = _batch ??= new T[_options.BatchSize];
        var count = 0;
        List<IngestRowError>? invalid = null;
        var more = true;
        _phase = Phase.Reading;
        while (count + _invalidCount < batch.Length)
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
                if (_skipInvalid)
                {
                    await RejectAsync(error, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    AddInvalid(ref invalid, error);
                }

                continue;
            }

            batch[count++] = source.Current!;
        }

        _batchLastRow = _rowsRead;
        if (invalid is not null)
        {
            throw Invalid(invalid);
        }

        _sent = count == 0 ? 0 : KeepLastPerKey(batch, count);
        _batchRows = count;
        return (more, count);
    }

    /// <summary>
    /// Writes the batch read last and, per batch, commits it. A deadlock or serialization failure aborts the whole
    /// transaction; when the transaction held only this batch (still in memory), it is run again, at most
    /// <see cref="IngestOptions.MaxRetries"/> times, after a short random pause.
    /// </summary>
    private async Task WriteUpsertBatchWithRetriesAsync(int valid, CancellationToken cancellationToken)
    {
        var ownTransaction = _transaction is null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await WriteUpsertBatchAsync(cancellationToken).ConfigureAwait(false);
                _rowsPending += valid;
                _batchesPending++;
                if (_perBatch)
                {
                    await CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (_latest is { } latest && latest.Count >= _options.BatchSize)
                {
                    _phase = Phase.UpdatingLatest;
                    _latestPending += await FlushLatestAsync(latest, _connection!, cancellationToken).ConfigureAwait(false);
                }

                break;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                if (!ownTransaction || attempt >= _options.MaxRetries)
                {
                    throw new TransientFailure(ex, attempt, ownTransaction);
                }

                await DisposeQuietlyAsync(_transaction!).ConfigureAwait(false);
                _transaction = null;
                _stagingReady = false;
                _keysMayExist = true;
                _savepoints = 0;
                _rowsPending = _changedPending = _latestPending = 0;
                _batchesPending = 0;
                _latest?.Clear();
                _retries++;
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * (attempt + 1)), cancellationToken).ConfigureAwait(false);
            }
        }

        Array.Clear(_batch!, 0, _batchRows);
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

    private IngestRowError? Check(T? row, long? line)
    {
        if (row is null)
        {
            return new IngestRowError { RowNumber = _rowsRead, LineNumber = line, Column = "(row)", Reason = "the row is null" };
        }

        var error = _map.Validate(row, _context);
        return error is null
            ? null
            : new IngestRowError
            {
                RowNumber = _rowsRead,
                LineNumber = line,
                Column = error.Column,
                Value = error.Value,
                Reason = error.Reason,
                Key = _map.Describe(row),
                Record = row,
            };
    }

    /// <summary>
    /// Moves the last row of each natural key to the front of <paramref name="batch"/>, in input order, and returns how
    /// many there are: a merge may touch each key once, and the later row is the newer value.
    /// </summary>
    private int KeepLastPerKey(T[] batch, int count)
    {
        _keys ??= new HashSet<T>(count, _map.KeyComparer);
        _superseded ??= new bool[batch.Length];
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
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            _keysMayExist = true;
            await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT trading_ingest_insert", cancellationToken).ConfigureAwait(false);
            return await ExecuteAsync(connection, _map.MergeSql + ";\n" + _map.TruncateStagingSql, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        var connection = _connection!;
        if (_latest is { Count: > 0 } latest)
        {
            _phase = Phase.UpdatingLatest;
            _latestPending += await FlushLatestAsync(latest, connection, cancellationToken).ConfigureAwait(false);
        }

        _phase = Phase.Committing;
        try
        {
            // A commit in flight is not cancelled: its outcome would be unknown.
            await _transaction!.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException and not PostgresException || connection.FullState.HasFlag(System.Data.ConnectionState.Broken))
        {
            _rowsInDoubt = _rowsPending;
            throw;
        }

        await _transaction.DisposeAsync().ConfigureAwait(false);
        _transaction = null;
        _savepoints = 0;

        IngestObserver.Committed(Logger, _dataSource, _map.QualifiedTable, _mode, _rowsPending, _batchesPending, Stopwatch.GetElapsedTime(_transactionStarted));
        _transactionStarted = Stopwatch.GetTimestamp();
        _rowsCommitted += _rowsPending;
        _changedCommitted += _changedPending;
        _latestCommitted += _latestPending;
        _batchesCommitted += _batchesPending;
        _committedThroughRow = _rowsRead;
        _rowsPending = _changedPending = _latestPending = 0;
        _batchesPending = 0;
    }

    private async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = _options.CommandTimeoutSeconds };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The COPY timeout: <see cref="IngestOptions.CommandTimeout"/>, none when it is zero.</summary>
    private TimeSpan Timeout => _options.CommandTimeout == TimeSpan.Zero ? System.Threading.Timeout.InfiniteTimeSpan : _options.CommandTimeout;

    /// <summary>Counts a row refused under Skip, keeps the first ones and hands every one to the caller's handler.</summary>
    private async ValueTask RejectAsync(IngestRowError error, CancellationToken cancellationToken)
    {
        _rejectedCount++;
        if (_rejected.Count < _options.MaxRejectedRowsKept)
        {
            _rejected.Add(error);
        }

        if (_options.OnRejectedRow is { } handler)
        {
            await handler(error, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts an invalid row of the batch under Reject and keeps the first ones for the exception.</summary>
    private void AddInvalid(ref List<IngestRowError>? invalid, IngestRowError error)
    {
        invalid ??= [];
        _invalidCount++;
        if (invalid.Count < Math.Max(1, _options.MaxRejectedRowsKept))
        {
            invalid.Add(error);
        }
    }

    private static async Task DisposeQuietlyAsync(IAsyncDisposable disposable)
    {
        try
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The connection is gone; the server rolls the transaction back.
        }
    }

    private IngestProgress Progress() =>
        new(_rowsRead, _rowsCommitted, _batchesCommitted, _rejectedCount, _committedThroughRow, _rowsInDoubt);

    private IngestValidationException Invalid(List<IngestRowError> errors)
    {
        var first = errors[0].Message;
        var more = _invalidCount > 1
            ? string.Create(CultureInfo.InvariantCulture, $" (and {_invalidCount - 1:N0} more invalid rows in input rows {_batchFirstRow:N0}–{_batchLastRow:N0})")
            : string.Empty;
        return new IngestValidationException(
            $"{first}{more}. Every row is checked before it is sent; nothing of this batch was committed. {Committed()}",
            _map.QualifiedTable, Progress(), _batchNumber, errors);
    }

    private string Doing() => _phase switch
    {
        Phase.Connecting => "opening a connection",
        Phase.Reading => string.Create(CultureInfo.InvariantCulture, $"reading input row {_rowsRead + 1:N0}"),
        Phase.Writing => string.Create(CultureInfo.InvariantCulture, $"writing batch {_batchNumber} (input rows {_batchFirstRow:N0}–{_batchLastRow:N0})"),
        Phase.UpdatingLatest => $"updating {_map.Latest?.QualifiedTable}",
        _ => string.Create(CultureInfo.InvariantCulture, $"committing batch {_batchNumber}"),
    };

    private string Committed()
    {
        string text;
        if (!_perBatch)
        {
            text = "Nothing was written: the call runs in one transaction (IngestTransactionMode.SingleTransaction), which was rolled back.";
        }
        else if (_batchesCommitted == 0)
        {
            text = "Nothing was committed.";
        }
        else
        {
            text = string.Create(CultureInfo.InvariantCulture,
                $"Committed before it: {_rowsCommitted:N0} rows in {_batchesCommitted:N0} batches (input rows 1–{_committedThroughRow:N0}); resume after row {_committedThroughRow:N0}.");
        }

        return _rowsInDoubt > 0
            ? text + string.Create(CultureInfo.InvariantCulture,
                $" The connection was lost during the COMMIT of batch {_batchNumber} ({_rowsInDoubt:N0} rows, input rows {_batchFirstRow:N0}–{_batchLastRow:N0}): those rows may or may not be committed; check the table before resending them.")
            : text;
    }

    private string Describe(Exception ex) => ex switch
    {
        TransientFailure { InnerException: PostgresException pg } failure => Describe(pg) + (failure.OwnTransaction
            ? string.Create(CultureInfo.InvariantCulture, $" The batch was run {failure.Attempts + 1} times (IngestOptions.MaxRetries is {_options.MaxRetries}); retry the call later.")
            : " The transaction held earlier batches that are no longer in memory, so the batch could not be run again; IngestTransactionMode.TransactionPerBatch lets each batch be retried."),
        PostgresException pg => pg.SqlState + ": " + pg.MessageText + (string.IsNullOrEmpty(pg.Detail) ? string.Empty : " (" + pg.Detail + ")") + ".",
        _ => ex.Message.EndsWith('.') ? ex.Message : ex.Message + ".",
    };

    /// <summary>Maps the server's "COPY table, line N" context back to the input row number.</summary>
    private static long? CopyRow(Exception ex, long[] rowNumbers, int count)
    {
        if (ex is PostgresException { Where: { } where } && CopyLine().Match(where) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            && line >= 1 && line <= count)
        {
            return rowNumbers[line - 1];
        }

        return null;
    }

    [GeneratedRegex(@"COPY [^,]+, line (\d+)")]
    private static partial Regex CopyLine();

    /// <summary>A deadlock or serialization failure that was not (or no longer) retried.</summary>
    private sealed class TransientFailure(PostgresException inner, int attempts, bool ownTransaction) : Exception(inner.Message, inner)
    {
        public int Attempts { get; } = attempts;

        public bool OwnTransaction { get; } = ownTransaction;
    }
}
