using System.Globalization;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Operations;
using Trading.Timescale.Queries;
using Trading.Timescale.Queries.Internal;

namespace Trading.Timescale.Export;

/// <summary>
/// Training data out of the database: tables and point-in-time feature sets as hive-partitioned Parquet (or CSV) files
/// with a <c>_manifest.json</c>, streamed with bounded memory to a directory or <c>s3://bucket/prefix</c>. Get it with
/// <c>trading.Export()</c>.
/// </summary>
public sealed class TradingExport
{
    private readonly TradingDatabase _database;
    private readonly IClock _clock;
    private readonly bool _readAhead;

    /// <summary>Creates the export over a database.</summary>
    /// <param name="database">The database.</param>
    /// <param name="clock">The clock of the manifest's creation time; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public TradingExport(TradingDatabase database, IClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _clock = clock ?? SystemClock.Instance;
        // Reading the next day ahead holds a second connection; a pool of one connection would wait for it forever.
        _readAhead = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString) is { Pooling: false } or { MaxPoolSize: >= 2 };
    }

    /// <summary>Exports one table over a time range: bars, option quotes, signals or signal outcomes.</summary>
    /// <param name="request">What and where.</param>
    /// <param name="progress">Receives the rows and files written; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the export; nothing is left at the destination.</param>
    /// <returns>The files written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting of <paramref name="request"/> is invalid or the output directory is not empty; nothing was written.</exception>
    /// <exception cref="TradingBackupException">An upload to S3 failed.</exception>
    public async Task<ExportResult> TableAsync(TableExport request, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var output = ExportOutput.Prepare(request.Output);
        var catalog = await ExportColumns.LoadAsync(_database.DataSource, cancellationToken).ConfigureAwait(false);
        var symbols = request.Symbols is { Count: > 0 } list ? list.ToArray() : null;
        var parameters = new Dictionary<string, string?>
        {
            ["table"] = request.Table.ToString().ToLowerInvariant(),
            ["from"] = request.From.ToString(),
            ["to"] = request.To.ToString(),
            ["symbols"] = symbols is null ? null : ExportManifest.Join(symbols),
            ["row_group_size"] = request.RowGroupSize.ToString(CultureInfo.InvariantCulture),
            ["partition_by_symbol"] = request.PartitionBySymbol ? "true" : "false",
        };
        IReadOnlyList<ExportColumn> columns;
        Func<PartitionedWriter, CancellationToken, Task> rows;
        var queries = _database.Queries;
        switch (request.Table)
        {
            case ExportTable.Bars:
                var bars = queries.Bars(request.Interval).OrderBy(SortDirection.Ascending);
                bars = symbols is null ? bars : bars.ForSymbols(symbols);
                parameters["interval"] = request.Interval.ToString();
                columns = catalog.Bars(request.Interval.ToString(), bars.Source ?? "trading.stock_prices");
                rows = (writer, ct) => FillAsync(writer, ByDay(request.From, request.To, (from, to) => bars.Between(from, to).ReadersAsync(ct), FirstBar(request.Interval, symbols, request.To), ct), ct);
                break;
            case ExportTable.Signals:
                columns = catalog.Signals();
                rows = (writer, ct) => FillAsync(writer, ByDay(request.From, request.To, (from, to) => Map(SignalsOf(from, to, symbols).AsAsyncEnumerable(ct), SignalRow), FirstSignal(symbols, request.To), ct), ct);
                break;
            case ExportTable.Outcomes:
                var horizon = FeatureSql.HorizonName(request.OutcomeHorizon);
                parameters["horizon"] = horizon;
                columns = catalog.Outcomes(horizon);
                rows = (writer, ct) => FillAsync(writer, ByDay(request.From, request.To, (from, to) => Map(SignalsOf(from, to, symbols).Outcomes(request.OutcomeHorizon).AsAsyncEnumerable(ct), o =>
                [
                    .. SignalRow(o.Signal), o.EntryAt, o.EntryPrice, o.ExitAt, o.ExitPrice, o.ForwardReturn, o.DirectionalReturn,
                    HitText(o.FirstHit), o.HitAt, o.SameBar,
                ]), FirstSignal(symbols, request.To), ct), ct);
                break;
            default:
                columns = catalog.Options();
                rows = (writer, ct) => FillAsync(writer, ByDay(request.From, request.To, (from, to) => OptionRowsAsync(from, to, symbols, ct), FirstOptionQuote(symbols, request.To), ct), ct);
                break;
        }

        return await RunAsync(request, output, request.Table.ToString().ToLowerInvariant(), columns, parameters, rows, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Exports a feature set: one row per symbol and bar with OHLCV, the indicators, optional option features and optional
    /// labels. A feature at bar t reads only rows before t's end (t + interval); a label reads only rows from t's end on.
    /// </summary>
    /// <param name="request">What and where.</param>
    /// <param name="progress">Receives the rows and files written; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the export; nothing is left at the destination.</param>
    /// <returns>The files written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting of <paramref name="request"/> is invalid or the output directory is not empty; nothing was written.</exception>
    /// <exception cref="TradingBackupException">An upload to S3 failed.</exception>
    public async Task<ExportResult> FeaturesAsync(FeatureSetExport request, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var output = ExportOutput.Prepare(request.Output);
        var catalog = await ExportColumns.LoadAsync(_database.DataSource, cancellationToken).ConfigureAwait(false);
        var horizonName = request.LabelHorizon is { } h ? FeatureSql.HorizonName(h) : string.Empty;
        var columns = FeatureSql.Columns(catalog, request, horizonName);
        var parameters = new Dictionary<string, string?>
        {
            ["interval"] = request.Interval.ToString(),
            ["from"] = request.From.ToString(),
            ["to"] = request.To.ToString(),
            ["symbols"] = request.Symbols is { Count: > 0 } s ? ExportManifest.Join(s) : null,
            ["indicators"] = ExportManifest.Join(request.Indicators.Select(i => i.ToString())),
            ["options_features"] = request.OptionsFeatures ? "true" : "false",
            ["label_horizon"] = request.LabelHorizon is null ? null : horizonName,
            ["label_threshold"] = request.LabelHorizon is null ? null : ExportManifest.Text(request.LabelThreshold),
            ["row_group_size"] = request.RowGroupSize.ToString(CultureInfo.InvariantCulture),
            ["partition_by_symbol"] = request.PartitionBySymbol ? "true" : "false",
        };
        return await RunAsync(request, output, "features", columns, parameters, (writer, ct) => FillAsync(writer, FeatureRowsAsync(request, columns.Count, ct), ct), progress, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<ExportResult> RunAsync(
        ExportDestination destination, ExportOutput output, string kind, IReadOnlyList<ExportColumn> columns, IReadOnlyDictionary<string, string?> parameters,
        Func<PartitionedWriter, CancellationToken, Task> rows, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        var staging = output.CreateStaging();
        try
        {
            IReadOnlyList<ExportedFile> files;
            long count;
            var writer = new PartitionedWriter(staging, columns, destination, progress);
            await using (writer.ConfigureAwait(false))
            {
                await rows(writer, cancellationToken).ConfigureAwait(false);

                files = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                count = writer.Rows;
            }

            await ExportManifest.WriteAsync(
                Path.Combine(staging, ExportManifest.FileName), kind, destination.Format, columns, parameters, files, count, _clock.GetCurrentInstant(), cancellationToken)
                .ConfigureAwait(false);
            var manifest = await output.CommitAsync(staging, files, cancellationToken).ConfigureAwait(false);
            return new ExportResult(output.Display, files, count, [.. columns.Select(c => c.Name)], manifest);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private SignalQuery SignalsOf(Instant from, Instant to, string[]? symbols)
    {
        var signals = _database.Queries.Signals().Between(from, to).OrderBy(SortDirection.Ascending);
        return symbols is null ? signals : signals.ForSymbols(symbols);
    }

    private static object?[] SignalRow(TradingSignal s) =>
    [
        s.Timestamp, s.Symbol, s.Id, s.SignalType.ToString().ToUpperInvariant(), s.Confidence, s.TargetPrice, s.StopLoss, s.Reasoning, s.ModelVersion,
        s.Features, s.ExpiresAt, s.CreatedAt,
    ];

    private static string HitText(SignalHit hit) => hit.ToString().ToLowerInvariant();

    /// <summary>
    /// The rows of each UTC day of [from, to) in turn: one bounded query per day, in date order. After a day without rows,
    /// <paramref name="firstAtOrAfter"/> finds the next time with data and the empty days before it are skipped, so a
    /// sparse range costs a query per day with data, not per calendar day. Once a day has a first row, the next day's
    /// query starts on its own connection while this day's rows are consumed, so the server plans, reads and sends the
    /// next day while the client is busy with this one; the rows still come in date order. (Not when the connection pool
    /// holds a single connection.)
    /// </summary>
    private async IAsyncEnumerable<TRow> ByDay<TRow>(
        Instant from, Instant to, Func<Instant, Instant, IAsyncEnumerable<TRow>> day, Func<Instant, CancellationToken, Task<Instant?>> firstAtOrAfter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = from;
        DayRows<TRow>? ahead = null;
        try
        {
            while (start < to)
            {
                var end = DayEnd(start, to);
                var current = ahead ?? DayRows<TRow>.Start(day(start, end), cancellationToken);
                ahead = null;
                await using (current.ConfigureAwait(false))
                {
                    var any = await current.First.ConfigureAwait(false);
                    if (any && end < to && _readAhead)
                    {
                        ahead = DayRows<TRow>.Start(day(end, DayEnd(end, to)), cancellationToken);
                    }

                    for (var more = any; more; more = await current.Rows.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield return current.Rows.Current;
                    }

                    start = end;
                    if (!any && start < to)
                    {
                        if (await firstAtOrAfter(start, cancellationToken).ConfigureAwait(false) is not { } found)
                        {
                            yield break;
                        }

                        start = Instant.Max(start, DayStart(found));
                    }
                }
            }
        }
        finally
        {
            if (ahead is not null)
            {
                await ahead.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Instant DayEnd(Instant start, Instant to) => Instant.Min(DayStart(start) + Duration.FromDays(1), to);

    /// <summary>One day's rows, with the move to the first row (which runs the query) already started.</summary>
    private sealed class DayRows<TRow> : IAsyncDisposable
    {
        private DayRows(IAsyncEnumerator<TRow> rows)
        {
            Rows = rows;
            First = Task.Run(async () => await rows.MoveNextAsync().ConfigureAwait(false));
        }

        public IAsyncEnumerator<TRow> Rows { get; }

        /// <summary>Whether the day has a row; the enumerator is on it once this completes with <see langword="true"/>.</summary>
        public Task<bool> First { get; }

        public static DayRows<TRow> Start(IAsyncEnumerable<TRow> rows, CancellationToken cancellationToken) => new(rows.GetAsyncEnumerator(cancellationToken));

        public async ValueTask DisposeAsync()
        {
            // A day started ahead and never read (a failure or cancellation in the day before) is waited for, then closed.
            await First.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            await Rows.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Instant DayStart(Instant at) => at.InUtc().Date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();

    /// <summary>The start of the first bar in [at, to) of the symbols (all when null), read from the same source as the bars.</summary>
    private Func<Instant, CancellationToken, Task<Instant?>> FirstBar(TimescaleInterval interval, string[]? symbols, Instant to) => async (at, cancellationToken) =>
    {
        var bars = _database.Queries.Bars(interval).OrderBy(SortDirection.Ascending).Between(at, to).Take(1);
        bars = symbols is null ? bars : bars.ForSymbols(symbols);
        await foreach (var bar in bars.AsAsyncEnumerable(cancellationToken).ConfigureAwait(false))
        {
            return bar.Bucket;
        }

        return null;
    };

    private Func<Instant, CancellationToken, Task<Instant?>> FirstSignal(string[]? symbols, Instant to) => async (at, cancellationToken) =>
    {
        await foreach (var signal in SignalsOf(at, to, symbols).Take(1).AsAsyncEnumerable(cancellationToken).ConfigureAwait(false))
        {
            return signal.Timestamp;
        }

        return null;
    };

    private Func<Instant, CancellationToken, Task<Instant?>> FirstOptionQuote(string[]? symbols, Instant to) => async (at, cancellationToken) =>
    {
        var command = _database.DataSource.CreateCommand("""
            SELECT min("timestamp") FROM trading.options_data
            WHERE "timestamp" >= $1 AND "timestamp" < $2 AND ($3::text[] IS NULL OR underlying_symbol = ANY($3))
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = at, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)symbols ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is Instant first ? first : null;
        }
    };

    private static async Task FillAsync(PartitionedWriter writer, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await foreach (var row in rows.ConfigureAwait(false))
        {
            await writer.AddAsync(row, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task FillAsync(PartitionedWriter writer, IAsyncEnumerable<NpgsqlDataReader> rows, CancellationToken cancellationToken)
    {
        await foreach (var reader in rows.ConfigureAwait(false))
        {
            await writer.AddAsync(reader, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<object?[]> Map<T>(IAsyncEnumerable<T> source, Func<T, object?[]> map)
    {
        await foreach (var item in source.ConfigureAwait(false))
        {
            yield return map(item);
        }
    }

    private async IAsyncEnumerable<NpgsqlDataReader> OptionRowsAsync(
        Instant from, Instant to, string[]? symbols, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = _database.DataSource.CreateCommand("""
            SELECT "timestamp", underlying_symbol, option_symbol, expiration_date, strike_price, option_type, bid_price, ask_price, last_price,
                   volume, open_interest, implied_volatility, delta, gamma, theta, vega, rho, intrinsic_value, time_value
            FROM trading.options_data
            WHERE "timestamp" >= $1 AND "timestamp" < $2 AND ($3::text[] IS NULL OR underlying_symbol = ANY($3))
            ORDER BY "timestamp", underlying_symbol, option_symbol
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)symbols ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.CommandTimeout = 0;
            var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return reader;
                }
            }
        }
    }

    private IAsyncEnumerable<object?[]> FeatureRowsAsync(FeatureSetExport request, int width, CancellationToken cancellationToken)
    {
        var sql = FeatureSql.Build(request);
        var given = request.Symbols is { Count: > 0 } list ? list.ToArray() : null;
        return ByDay(request.From, request.To, (from, to) => FeatureDayAsync(request, sql, given, from, to, width, cancellationToken),
            FirstBar(request.Interval, given, request.To), cancellationToken);
    }

    private async IAsyncEnumerable<object?[]> FeatureDayAsync(
        FeatureSetExport request, string sql, string[]? given, Instant from, Instant to, int width,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var labels = request.LabelHorizon is not null;
        var symbols = given ?? await SymbolsAsync(from, to, request.Interval, cancellationToken).ConfigureAwait(false);
        if (symbols.Length == 0)
        {
            yield break;
        }

        // The planner's estimate for the indicator functions and the per-bar label lookups is far above jit_above_cost, and
        // compiling the plan (hundreds of expressions over every chunk) took 7.5 of 7.8 s for one symbol-day; without JIT
        // the same query runs in 0.27 s. SET LOCAL keeps the change inside this transaction, which only reads.
        var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var settings = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction);
        await using (settings.ConfigureAwait(false))
        {
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = symbols, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = request.Interval.ToPeriod(), NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = request.Interval.ToString(), NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (request.LabelHorizon ?? Duration.FromMinutes(1)).ToTimeSpan(), NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new NpgsqlParameter { Value = request.LabelThreshold, NpgsqlDbType = NpgsqlDbType.Numeric });
            // Reader columns: symbol, bucket, OHLCV and vwap, indicators [, options] [, exit close, target at, stop at].
            var readerWidth = width + (labels ? 1 : 0);
            await foreach (var raw in ReadAsync(command, readerWidth, cancellationToken).ConfigureAwait(false))
            {
                var row = new object?[width];
                row[0] = raw[1];
                row[1] = raw[0];
                var copied = width - (labels ? 2 : 0);
                Array.Copy(raw, 2, row, 2, copied - 2);
                if (labels)
                {
                    var close = raw[5] as decimal?;
                    var exit = raw[readerWidth - 3] as decimal?;
                    var hasPath = exit is not null;
                    row[width - 2] = hasPath && close is { } c && c != 0 ? (double)(exit!.Value / c - 1) : null;
                    row[width - 1] = hasPath ? HitText(SignalOutcomeRules.FirstHit(raw[readerWidth - 2] as Instant?, raw[readerWidth - 1] as Instant?).Hit) : null;
                }

                yield return row;
            }
        }
    }

    private async Task<string[]> SymbolsAsync(Instant from, Instant to, TimescaleInterval interval, CancellationToken cancellationToken)
    {
        var command = _database.DataSource.CreateCommand(
            "SELECT DISTINCT symbol::text FROM trading.stock_prices WHERE \"timestamp\" >= $1 AND \"timestamp\" < $2 + $3 ORDER BY 1");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = interval.ToPeriod(), NpgsqlDbType = NpgsqlDbType.Interval });
            var symbols = new List<string>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    symbols.Add(reader.GetString(0));
                }
            }

            return [.. symbols];
        }
    }

    private static async IAsyncEnumerable<object?[]> ReadAsync(
        NpgsqlCommand command, int width, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A day of a bulk export may take longer than the default timeout; the cancellation token still stops it.
        command.CommandTimeout = 0;
        // Rows are small: ReadAsync buffers each whole row, so the values are then read without further I/O.
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new object?[width];
                for (var i = 0; i < width; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                yield return row;
            }
        }
    }
}
