using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.ScaleOut.Internal;

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

    // Only a connection string naming several hosts can route a read to a standby; with one host the commit's log
    // position is not read, which would cost a round trip per commit.
    private readonly bool _tracksCommitLsn;
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
    private NpgsqlTypes.NpgsqlLogSequenceNumber? _commitLsn;
    private NpgsqlTransaction? _transaction;
    private bool _stagingReady;
    private T[]? _batch;
    private long[]? _rowNumbers;
    private int _sent;
    private HashSet<T>? _keys;
    private bool[]? _superseded;
    private int _batchNumber;
    private int _invalidCount;
    private long _batchFirstRow;
    private long _batchLastRow;
    private Phase _phase;
    private long _transactionStarted = Stopwatch.GetTimestamp();

    private bool _more = true;
    private bool _batchRead;
    private bool _inDoubt;
    private int _priorBatches;
    private int _bufferedValid;
    private int _buffered;
    private int _attempts;
    private Exception? _sendFailure;
    private CancellationToken _cancellation;

    public IngestRun(NpgsqlDataSource dataSource, TableMap<T> map, IngestMode mode, IngestOptions options, IClock clock)
    {
        _dataSource = dataSource;
        _tracksCommitLsn = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Host?.Contains(',', StringComparison.Ordinal) == true;
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

    /// <summary>The retry budget of transient failures.</summary>
    public TransientRetry Retry { get; init; } = TransientRetry.Default;

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
        _cancellation = cancellationToken;
        var pipeline = Retry.ForWrite(
            "ingest." + TradingTelemetry.ModeName(_mode), _dataSource, CanRetry, _options.MaxRetries + 1, () => _retries++);
        try
        {
            _phase = Phase.Connecting;
            source.Start();
            while (_more)
            {
                _context.Refresh();
                _batchNumber++;
                _batchFirstRow = _rowsRead + 1;
                _batchRead = false;
                _inDoubt = false;
                _attempts = 0;
                _priorBatches = _batchesPending;
                await pipeline.ExecuteAsync(static (state, ct) => state.Run.BatchAttemptAsync(state.Source, ct), (Run: this, Source: source), cancellationToken).ConfigureAwait(false);
            }

            if (_transaction is not null)
            {
                // The last batch read held no valid row: commit the batches before it.
                _inDoubt = false;
                _attempts = 0;
                _priorBatches = _batchesPending - 1;
                await pipeline.ExecuteAsync(static (run, ct) => run.FinalCommitAttemptAsync(ct), this, cancellationToken).ConfigureAwait(false);
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
                CommitLsn = _commitLsn,
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
            var failedRow = _phase == Phase.Writing && _mode == IngestMode.Append ? CopyRow(ex, _rowNumbers ?? [], _sent) : null;
            var where = failedRow is { } row ? string.Create(CultureInfo.InvariantCulture, $" at input row {row:N0}") : string.Empty;
            throw new IngestException(
                $"Ingest into {_map.QualifiedTable} failed while {Doing()}{where}: {Describe(ex)} {Committed()}",
                _map.QualifiedTable, Progress(), _phase == Phase.Reading ? null : _batchNumber, failedRow ?? (_phase == Phase.Reading ? _rowsRead + 1 : null),
                ex);
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
    /// One attempt at the current batch: the first reads it from the input and writes it; an attempt after a transient
    /// failure writes the rows kept in memory on a new connection, as an upsert when the failure struck during COMMIT
    /// (the outcome is unknown, and the upsert stores each row once either way). Then the batch commits (one transaction
    /// per batch, or the input is at its end) or, in one transaction, the snapshot rows are flushed when many.
    /// </summary>
    private async ValueTask BatchAttemptAsync(RowSource<T> source, CancellationToken cancellationToken)
    {
        _attempts++;
        if (_batchRead)
        {
            await RewriteBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (_connection is null)
            {
                _phase = Phase.Connecting;
                _connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
            }

            _sent = 0;
            _invalidCount = 0;
            int valid;
            if (_mode == IngestMode.Append)
            {
                (_more, valid) = await AppendBatchAsync(source, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                (_more, valid) = await ReadUpsertBatchAsync(source, cancellationToken).ConfigureAwait(false);
                _batchRead = true;
                if (valid > 0)
                {
                    _buffered = _sent;
                    _bufferedValid = valid;
                    await WriteUpsertBatchAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (valid == 0)
            {
                if (_transaction is null)
                {
                    _committedThroughRow = _rowsRead;
                }

                return;
            }
        }

        _rowsPending += _bufferedValid;
        _batchesPending++;
        if (_perBatch || !_more)
        {
            await CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_latest is { } latest && latest.Count >= _options.BatchSize)
        {
            _phase = Phase.UpdatingLatest;
            _latestPending += await FlushLatestAsync(latest, _connection!, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The commit at the end of a single-transaction call whose last batch held no valid row.</summary>
    private async ValueTask FinalCommitAttemptAsync(CancellationToken cancellationToken)
    {
        if (_attempts++ > 0)
        {
            await RewriteBatchAsync(cancellationToken).ConfigureAwait(false);
            _rowsPending += _bufferedValid;
            _batchesPending++;
        }

        await CommitAsync(cancellationToken).ConfigureAwait(false);
    }

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
            _inDoubt = true;
            throw;
        }

        await _transaction.DisposeAsync().ConfigureAwait(false);
        _transaction = null;
        _savepoints = 0;
        if (_tracksCommitLsn)
        {
            _commitLsn = await ReadCommitLsnAsync(connection).ConfigureAwait(false);
        }

        IngestObserver.Committed(Logger, _dataSource, _map.QualifiedTable, _mode, _rowsPending, _batchesPending, Stopwatch.GetElapsedTime(_transactionStarted));
        _transactionStarted = Stopwatch.GetTimestamp();
        _rowsCommitted += _rowsPending;
        _changedCommitted += _changedPending;
        _latestCommitted += _latestPending;
        _batchesCommitted += _batchesPending;
        _committedThroughRow = _rowsRead;
        _rowsPending = _changedPending = _latestPending = 0;
        _batchesPending = 0;
        _rowsInDoubt = 0;
    }

    /// <summary>The log position just after the commit, for read-your-writes on a standby; null when the connection broke after the commit.</summary>
    private static async Task<NpgsqlTypes.NpgsqlLogSequenceNumber?> ReadCommitLsnAsync(NpgsqlConnection connection)
    {
        try
        {
            using var command = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", connection);
            return (NpgsqlTypes.NpgsqlLogSequenceNumber?)await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            return null;
        }
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

    private string Describe(Exception ex)
    {
        var what = ex switch
        {
            _ when _phase != Phase.Reading && (TransientRetry.IsBrokenConnection(ex) || ConnectionBroken(ex)) =>
                $"the connection to {TradingConnectionString.Where(_dataSource.ConnectionString)} {(_phase == Phase.Connecting ? "could not be opened" : "was lost")}: {TransientRetry.Describe(ex).TrimEnd('.')}.",
            PostgresException pg => pg.SqlState + ": " + pg.MessageText + (string.IsNullOrEmpty(pg.Detail) || TransientRetry.IsTransient(pg) ? string.Empty : " (" + pg.Detail + ")") + ".",
            _ => ex.Message.EndsWith('.') ? ex.Message : ex.Message + ".",
        };
        if (_cancellation.IsCancellationRequested || _phase == Phase.Reading || !(TransientRetry.IsTransient(ex) || ConnectionBroken(ex)))
        {
            return what;
        }

        return what + (_priorBatches > 0
            ? " The transaction held earlier batches that are no longer in memory, so the batch could not be run again; IngestTransactionMode.TransactionPerBatch lets each batch be retried."
            : string.Create(CultureInfo.InvariantCulture, $" The batch was tried {_attempts} time(s), the retry budget (TradingTimescale:Retry, IngestOptions.MaxRetries) allowing no more; retry the call later."));
    }

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
}
