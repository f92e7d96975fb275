using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Ingest;

/// <summary>
/// Writes the trading hypertables: validated binary-COPY appends and idempotent upserts streamed in bounded batches,
/// single-row writes for signals and events, keeping the latest-quote snapshots current, and CSV import. Reading is
/// <see cref="Queries.TradingQueries"/>.
/// Thread-safe: every call uses its own connection from the data source.
/// </summary>
/// <remarks>
/// Records: <see cref="StockPrice"/>, <see cref="OptionQuote"/>, <see cref="TradingSignal"/>,
/// <see cref="PerformanceMetric"/>, <see cref="DataQualityCheck"/> and <see cref="SystemEvent"/>. See docs/ingest.md
/// for the rules, messages and failure semantics.
/// </remarks>
public sealed partial class TradingIngest
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IClock _clock;

    /// <summary>Creates the ingest API over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">A data source configured with <c>UseNodaTime()</c>.</param>
    /// <param name="options">Default options for every call; <see cref="IngestOptions.Default"/> when omitted.</param>
    /// <param name="clock">The clock the future-timestamp rule reads; <see cref="SystemClock.Instance"/> when omitted.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting of <paramref name="options"/> is out of range; the messages name each one.</exception>
    public TradingIngest(NpgsqlDataSource dataSource, IngestOptions? options = null, IClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= IngestOptions.Default;
        options.Validate();
        _dataSource = dataSource;
        Options = options;
        _clock = clock ?? SystemClock.Instance;
    }

    /// <summary>The default options of every call.</summary>
    public IngestOptions Options { get; }

    /// <summary>Receives commits, rejected-row counts and failures (never row values).</summary>
    internal ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The retry budget of transient failures: <see cref="TradingTimescaleOptions.Retry"/>, or the defaults.</summary>
    internal TransientRetry Retry { get; init; } = TransientRetry.Default;

#pragma warning disable RS0026 // Overloads differ by input type (IEnumerable or IAsyncEnumerable); optional parameters cannot make them ambiguous.
    /// <summary>
    /// Appends rows with binary COPY, streaming <paramref name="rows"/> in batches of <see cref="IngestOptions.BatchSize"/>.
    /// Each batch is validated before it is sent. The latest snapshot is updated in the same transaction.
    /// </summary>
    /// <typeparam name="T">A record type: <see cref="StockPrice"/>, <see cref="OptionQuote"/>, <see cref="TradingSignal"/>,
    /// <see cref="PerformanceMetric"/>, <see cref="DataQualityCheck"/> or <see cref="SystemEvent"/>.</typeparam>
    /// <param name="rows">The rows; enumerated once, never materialised.</param>
    /// <param name="options">Options for this call; <see cref="Options"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels between rows and during sends; the open transaction is rolled back.</param>
    /// <returns>What was read, written and rejected.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the record types.</exception>
    /// <exception cref="IngestValidationException">An invalid row under <see cref="InvalidRowHandling.Reject"/>.</exception>
    /// <exception cref="TradingIngestException">The database refused a batch, the connection failed, or the input threw.</exception>
    /// <exception cref="IngestCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IngestResult> AppendAsync<T>(IEnumerable<T> rows, IngestOptions? options = null, CancellationToken cancellationToken = default)
        where T : TradingRecord
    {
        ArgumentNullException.ThrowIfNull(rows);
        return RunAsync(TableMaps.For<T>(), new EnumerableRowSource<T>(rows), IngestMode.Append, options ?? Options, cancellationToken);
    }

    /// <summary>Appends rows from an asynchronous stream with binary COPY; see <see cref="AppendAsync{T}(IEnumerable{T}, IngestOptions?, CancellationToken)"/>.</summary>
    /// <typeparam name="T">A record type.</typeparam>
    /// <param name="rows">The rows; enumerated once with <paramref name="cancellationToken"/>.</param>
    /// <param name="options">Options for this call; <see cref="Options"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels between rows and during sends; the open transaction is rolled back.</param>
    /// <returns>What was read, written and rejected.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the record types.</exception>
    /// <exception cref="IngestValidationException">An invalid row under <see cref="InvalidRowHandling.Reject"/>.</exception>
    /// <exception cref="TradingIngestException">The database refused a batch, the connection failed, or the input threw.</exception>
    /// <exception cref="IngestCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IngestResult> AppendAsync<T>(IAsyncEnumerable<T> rows, IngestOptions? options = null, CancellationToken cancellationToken = default)
        where T : TradingRecord
    {
        ArgumentNullException.ThrowIfNull(rows);
        return RunAsync(TableMaps.For<T>(), new AsyncEnumerableRowSource<T>(rows), IngestMode.Append, options ?? Options, cancellationToken);
    }

    /// <summary>
    /// Inserts or updates rows by their natural key: each batch is copied into a temporary staging table and merged
    /// with <c>INSERT ... ON CONFLICT DO UPDATE</c>. A replayed feed leaves one row per key with the newest values;
    /// when a key appears twice in the input, the later row wins.
    /// </summary>
    /// <typeparam name="T">A record type.</typeparam>
    /// <param name="rows">The rows; enumerated once, never materialised.</param>
    /// <param name="options">Options for this call; <see cref="Options"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels between rows and during sends; the open transaction is rolled back.</param>
    /// <returns>What was read, written, changed and rejected.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the record types.</exception>
    /// <exception cref="IngestValidationException">An invalid row under <see cref="InvalidRowHandling.Reject"/>.</exception>
    /// <exception cref="TradingIngestException">The database refused a batch, the connection failed, or the input threw.</exception>
    /// <exception cref="IngestCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IngestResult> UpsertAsync<T>(IEnumerable<T> rows, IngestOptions? options = null, CancellationToken cancellationToken = default)
        where T : TradingRecord
    {
        ArgumentNullException.ThrowIfNull(rows);
        return RunAsync(TableMaps.For<T>(), new EnumerableRowSource<T>(rows), IngestMode.Upsert, options ?? Options, cancellationToken);
    }

    /// <summary>Inserts or updates rows from an asynchronous stream; see <see cref="UpsertAsync{T}(IEnumerable{T}, IngestOptions?, CancellationToken)"/>.</summary>
    /// <typeparam name="T">A record type.</typeparam>
    /// <param name="rows">The rows; enumerated once with <paramref name="cancellationToken"/>.</param>
    /// <param name="options">Options for this call; <see cref="Options"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels between rows and during sends; the open transaction is rolled back.</param>
    /// <returns>What was read, written, changed and rejected.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the record types.</exception>
    /// <exception cref="IngestValidationException">An invalid row under <see cref="InvalidRowHandling.Reject"/>.</exception>
    /// <exception cref="TradingIngestException">The database refused a batch, the connection failed, or the input threw.</exception>
    /// <exception cref="IngestCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IngestResult> UpsertAsync<T>(IAsyncEnumerable<T> rows, IngestOptions? options = null, CancellationToken cancellationToken = default)
        where T : TradingRecord
    {
        ArgumentNullException.ThrowIfNull(rows);
        return RunAsync(TableMaps.For<T>(), new AsyncEnumerableRowSource<T>(rows), IngestMode.Upsert, options ?? Options, cancellationToken);
    }

#pragma warning restore RS0026

    /// <summary>Checks <paramref name="row"/> against the rules ingestion applies, without sending anything.</summary>
    /// <typeparam name="T">A record type.</typeparam>
    /// <param name="row">The row.</param>
    /// <param name="options">Limits to apply; <see cref="Options"/> when omitted.</param>
    /// <returns>The first rule the row breaks (as row 1), or <see langword="null"/> when it is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="row"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the record types.</exception>
    public IngestRowError? Validate<T>(T row, IngestOptions? options = null)
        where T : TradingRecord
    {
        ArgumentNullException.ThrowIfNull(row);
        var map = TableMaps.For<T>();
        return Check(map, row, new ValidationContext(options ?? Options, _clock), 1);
    }

#pragma warning disable RS0026 // Overloads differ by input type (TextReader or Stream).
    /// <summary>Imports a CSV file whose header row names columns of <paramref name="table"/>; see docs/ingest.md for the format.</summary>
    /// <param name="table">The table.</param>
    /// <param name="csv">The CSV text: a header row, then one record per row (RFC 4180; invariant culture; ISO 8601 timestamps with offset; empty = NULL).</param>
    /// <param name="mode">Append (default) or upsert.</param>
    /// <param name="options">Options for this call; <see cref="Options"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels the import; the open transaction is rolled back.</param>
    /// <returns>What was read, written and rejected; rejected rows carry their line numbers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="csv"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> or <paramref name="mode"/> is not defined.</exception>
    /// <exception cref="IngestValidationException">An invalid or unparsable row under <see cref="InvalidRowHandling.Reject"/>.</exception>
    /// <exception cref="TradingIngestException">A malformed header or quote, a database failure, or a read failure.</exception>
    /// <exception cref="IngestCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IngestResult> ImportCsvAsync(IngestTable table, TextReader csv, IngestMode mode = IngestMode.Append, IngestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Use IngestMode.Append or IngestMode.Upsert.");
        }

        return TableMaps.Get(table).ImportCsvAsync(this, new TextReaderUtf8Stream(csv), mode, options ?? Options, cancellationToken);
    }

    /// <summary>
    /// Imports CSV from a stream of UTF-8 bytes (a file): the fastest path. Fields are parsed straight from the bytes on
    /// another thread while rows are validated and sent; memory stays bounded whatever the input (see
    /// <see cref="TradingCsv.MaxRecordBytes"/> and <see cref="IngestOptions.MaxRejectedRowsKept"/>). Bytes that are not
    /// UTF-8 make their row invalid, naming the byte offset.
    /// </summary>
    /// <param name="table">The table.</param>
    /// <param name="utf8Csv">The CSV bytes, header first; read to the end, not disposed.</param>
    /// <param name="mode">Append (default) or upsert.</param>
    /// <param name="options">Options for this call; <see cref="Options"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels the import; the open transaction is rolled back.</param>
    /// <returns>What was read, written and rejected; rejected rows carry their line numbers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Csv"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> or <paramref name="mode"/> is not defined.</exception>
    /// <exception cref="IngestValidationException">An invalid or unparsable row under <see cref="InvalidRowHandling.Reject"/>.</exception>
    /// <exception cref="TradingIngestException">A malformed header or quote, a record over the size limit, a database failure, or a read failure.</exception>
    /// <exception cref="IngestCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<IngestResult> ImportCsvAsync(IngestTable table, Stream utf8Csv, IngestMode mode = IngestMode.Append, IngestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Csv);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Use IngestMode.Append or IngestMode.Upsert.");
        }

        return TableMaps.Get(table).ImportCsvAsync(this, utf8Csv, mode, options ?? Options, cancellationToken);
    }
#pragma warning restore RS0026

    internal async Task<IngestResult> RunAsync<T>(TableMap<T> map, RowSource<T> source, IngestMode mode, IngestOptions options, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        await using (source.ConfigureAwait(false))
        {
            options.Validate();
            var run = new IngestRun<T>(_dataSource, map, mode, options, _clock) { Logger = Logger, Retry = Retry };
            using var activity = TradingTelemetry.StartIngest(_dataSource, map.QualifiedTable, mode);
            try
            {
                var result = await run.RunAsync(source, cancellationToken).ConfigureAwait(false);
                IngestObserver.Finished(Logger, _dataSource, activity, result);
                return result;
            }
            catch (TradingIngestException ex)
            {
                IngestObserver.Failed(Logger, _dataSource, activity, mode, ex);
                throw;
            }
        }
    }

    private static IngestRowError? Check<T>(TableMap<T> map, T row, ValidationContext context, long rowNumber)
        where T : TradingRecord
    {
        var error = map.Validate(row, context);
        return error is null
            ? null
            : new IngestRowError
            {
                RowNumber = rowNumber,
                Column = error.Column,
                Value = error.Value,
                Reason = error.Reason,
                Key = map.Describe(row),
                Record = row,
            };
    }
}
