using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;
using Trading.Timescale.Live.Internal;
using Trading.Timescale.Queries;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.ScaleOut.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Live;

/// <summary>
/// Live data: subscriptions that yield new bars, signals and system events as they are written, by this library or by
/// any other tool. Triggers on the tables send a notification on the channel <c>trading_live</c> after each statement;
/// a subscription takes it as a wake-up and reads what is new from its own position, in pages. A lost notification, a
/// reconnect or a server restart therefore never loses or repeats an item. Each subscription holds one LISTEN connection
/// to the primary while it runs and borrows a pooled connection for each page it reads (from a standby when reads are
/// routed there and it has replayed the change).
/// </summary>
public sealed partial class TradingLive
{
    private static readonly TimeSpan EventPollInterval = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _readSource;
    private readonly NpgsqlDataSource _primary;
    private readonly ILogger _logger;

    /// <summary>Creates the live capability over a data source (reads) and the data source of its primary (LISTEN).</summary>
    /// <param name="dataSource">The data source of reads; with several hosts, reads follow the database's <see cref="TradingTimescaleOptions.ReadFrom"/>.</param>
    /// <param name="primaryDataSource">The data source that reaches the primary; <paramref name="dataSource"/> when omitted.</param>
    /// <param name="logger">Logs reconnections; none when omitted.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    public TradingLive(NpgsqlDataSource dataSource, NpgsqlDataSource? primaryDataSource = null, ILogger<TradingLive>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _readSource = dataSource;
        _primary = primaryDataSource ?? ReadRouter.PrimaryOf(dataSource);
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>
    /// Yields the bars of the symbols (every symbol when <paramref name="symbols"/> is <see langword="null"/>) as they
    /// complete, once each, in time order per symbol. A bar is complete when a row of a later bucket of its symbol arrives,
    /// or <see cref="LiveBarOptions.GracePeriod"/> after its end. By default the subscription starts at the moment it
    /// starts: it yields the bars that complete afterwards, whatever their timestamps; <see cref="LiveBarOptions.After"/>
    /// resumes from stored positions.
    /// </summary>
    /// <param name="symbols">The tickers; <see langword="null"/> for every symbol, including symbols first written later.</param>
    /// <param name="interval">The bar width, such as 1 minute; widths of a day or more are calendar days of the exchange time zone.</param>
    /// <param name="options">Grace period, partial bars, resume positions and page size; <see cref="LiveBarOptions.Default"/> when omitted.</param>
    /// <param name="cancellationToken">Ends the subscription: the enumeration throws <see cref="OperationCanceledException"/> and returns its connections.</param>
    /// <returns>The bars as they complete; the sequence ends only when cancelled.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbols"/> is empty or holds an empty symbol, <paramref name="interval"/> is not positive, or an option is out of range.</exception>
    public IAsyncEnumerable<Bar> Bars(IEnumerable<string>? symbols, TimescaleInterval interval, LiveBarOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = symbols is null ? null : Sql.Symbols(symbols, nameof(symbols)).Distinct(StringComparer.Ordinal).ToArray();
        if (list is { Length: 0 })
        {
            throw new ArgumentException("Name at least one symbol, or pass null for every symbol.", nameof(symbols));
        }

        options ??= LiveBarOptions.Default;
        if (!interval.IsPositive)
        {
            throw new ArgumentException($"The bar width {interval} must be a positive interval.", nameof(interval));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.PageSize, 1, nameof(options));
        if (options.GracePeriod is { } g && g < Duration.Zero)
        {
            throw new ArgumentException($"The grace period {g} must not be negative.", nameof(options));
        }

        if (options.PollInterval <= Duration.Zero)
        {
            throw new ArgumentException($"The poll interval {options.PollInterval} must be positive.", nameof(options));
        }

        return BarsCore(list, interval, options, cancellationToken);
    }

    /// <summary>
    /// Yields each new signal that matches <paramref name="filter"/> once, in (timestamp, id) order. By default the
    /// subscription starts at the moment it starts (after the newest signal stored then); <see cref="LiveSignalFilter.After"/>
    /// resumes from a stored position.
    /// </summary>
    /// <param name="filter">The symbols, types, minimum confidence and model version; every signal when omitted.</param>
    /// <param name="cancellationToken">Ends the subscription: the enumeration throws <see cref="OperationCanceledException"/> and returns its connection.</param>
    /// <returns>The signals as they are written; the sequence ends only when cancelled.</returns>
    /// <exception cref="ArgumentException">A filter value is out of range.</exception>
    public IAsyncEnumerable<TradingSignal> Signals(LiveSignalFilter? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= new LiveSignalFilter();
        ArgumentOutOfRangeException.ThrowIfLessThan(filter.PageSize, 1, nameof(filter));
        if (filter.MinimumConfidence is < 0m or > 1m)
        {
            throw new ArgumentException($"The minimum confidence {filter.MinimumConfidence} is outside 0 to 1.", nameof(filter));
        }

        var where = new SignalFilter(Sql.Symbols(filter.Symbols, nameof(filter)), [.. filter.Types], filter.MinimumConfidence, null, null, filter.ModelVersion);
        return RowsAsync(TableMaps.Signals, where.Where, filter.After, filter.PageSize, cancellationToken);
    }

    /// <summary>
    /// Yields each new system event at or above <paramref name="minimumSeverity"/> once, in (timestamp, id) order, from
    /// the moment the subscription starts or after <paramref name="after"/>.
    /// </summary>
    /// <param name="minimumSeverity">The least severe level yielded.</param>
    /// <param name="after">Resumes after this stored position; <see langword="null"/> starts at the moment the subscription starts.</param>
    /// <param name="cancellationToken">Ends the subscription: the enumeration throws <see cref="OperationCanceledException"/> and returns its connection.</param>
    /// <returns>The events as they are written; the sequence ends only when cancelled.</returns>
    public IAsyncEnumerable<SystemEvent> Events(EventSeverity minimumSeverity = EventSeverity.Debug, LivePosition? after = null, CancellationToken cancellationToken = default)
    {
        var levels = EnumText.Severities.Skip(Math.Clamp((int)minimumSeverity, 0, EnumText.Severities.Length)).ToArray();
        return RowsAsync(TableMaps.SystemEvents, p => " WHERE \"severity\" = ANY(" + p.TextArray(levels) + "::varchar[])", after, 500, cancellationToken);
    }

    private async IAsyncEnumerable<T> RowsAsync<T>(
        TableMap<T> map, Func<SqlParameters, string> filter, LivePosition? after, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : TradingRecord
    {
        var listener = new LiveListener(_primary, map.Table, _logger);
        await using var listenerScope = listener.ConfigureAwait(false);
        await listener.StartAsync(cancellationToken).ConfigureAwait(false);
        var position = after ?? await NewestAsync(map, cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("Live {Table} subscription started after ({Timestamp}, {Id}).", map.Table, position.Timestamp, position.Id);
        while (true)
        {
            listener.Consume();
            var page = await RetryAsync(ct => ReadRowsAsync(map, filter, position, pageSize, ct), cancellationToken).ConfigureAwait(false);
            foreach (var row in page)
            {
                position = LivePosition.Of(row);
                yield return row;
            }

            if (page.Count < pageSize)
            {
                await listener.WaitAsync(EventPollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<LivePosition> NewestAsync<T>(TableMap<T> map, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        return await RetryAsync(
            async ct =>
            {
                var connection = await OpenReadAsync(ct).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    using var command = new NpgsqlCommand(
                        $"SELECT \"timestamp\", \"id\" FROM {map.QualifiedTable} ORDER BY \"timestamp\" DESC, \"id\" DESC LIMIT 1", connection);
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using var readerScope = reader.ConfigureAwait(false);
                    return await reader.ReadAsync(ct).ConfigureAwait(false)
                        ? new LivePosition(reader.GetFieldValue<Instant>(0), reader.GetInt64(1))
                        : new LivePosition(Instant.MinValue, long.MinValue);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<T>> ReadRowsAsync<T>(TableMap<T> map, Func<SqlParameters, string> filter, LivePosition position, int pageSize, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        var parameters = new SqlParameters();
        var where = filter(parameters);
        var time = parameters.Instant(position.Timestamp);
        var id = parameters.BigInt(position.Id);
        var keyset = $"\"timestamp\" >= {time} AND (\"timestamp\", \"id\") > ({time}, {id})";
        where = string.IsNullOrEmpty(where) ? " WHERE " + keyset : where + " AND " + keyset;
        var sql = $"{map.SelectSql}{where}\nORDER BY \"timestamp\", \"id\"\nLIMIT {parameters.BigInt(pageSize)}";
        using var scope = new QueryScope("live." + map.Table, _readSource);
        var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters.ToNpgsql().ToArray());
            var rows = new List<T>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(map.Read(reader));
            }

            scope.Succeeded();
            return rows;
        }
    }

    /// <summary>
    /// Opens the connection of one read. With several hosts, a standby serves it only once it has replayed everything the
    /// primary had written when the read started (the change that woke the subscription up included).
    /// </summary>
    private async ValueTask<NpgsqlConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        var router = ReadRouter.For(_readSource);
        if (!router.Routes)
        {
            return await _readSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        NpgsqlLogSequenceNumber lsn;
        var primary = await _primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (primary.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()", primary);
            lsn = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        return await router.OpenAsync(null, lsn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a read again after a broken connection or a server restart, until it succeeds or the subscription is cancelled.</summary>
    private async Task<TResult> RetryAsync<TResult>(Func<CancellationToken, Task<TResult>> read, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await read(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && TransientRetry.IsTransient(ex))
            {
                _logger.LogWarning(ex, "A live read failed ({Reason}); reading again in {Backoff} ms.", TransientRetry.Describe(ex), backoff.TotalMilliseconds);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }
}
