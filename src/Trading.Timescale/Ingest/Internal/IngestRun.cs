using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.ScaleOut.Internal;
using Trading.Timescale.Records.Internal;

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
            throw new TradingIngestException(
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

    private async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = _options.CommandTimeoutSeconds };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The COPY timeout: <see cref="IngestOptions.CommandTimeout"/>, none when it is zero.</summary>
    private TimeSpan Timeout => _options.CommandTimeout == TimeSpan.Zero ? System.Threading.Timeout.InfiniteTimeSpan : _options.CommandTimeout;

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
}
