using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// Trading signals filtered by symbol, type, confidence, time and model version, newest first unless ordered
/// otherwise. The same filters feed <see cref="PerformanceBySymbol"/> and <see cref="Outcomes"/>.
/// </summary>
public sealed class SignalQuery : TradingQuery<TradingSignal>
{
    private readonly NpgsqlDataSource _dataSource;
    private SignalFilter _filter = SignalFilter.None;
    private SortDirection _order = SortDirection.Descending;
    private long? _limit;

    internal SignalQuery(NpgsqlDataSource dataSource)
        : base(dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>Signals for these symbols only.</summary>
    /// <param name="symbols">The tickers.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="symbols"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A symbol is empty.</exception>
    public SignalQuery ForSymbols(params IEnumerable<string> symbols)
    {
        var list = Sql.Symbols(symbols, nameof(symbols));
        return With(_filter with { Symbols = list });
    }

    /// <summary>Signals of these types only.</summary>
    /// <param name="types">The types, such as <see cref="SignalType.Buy"/>.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="types"/> is <see langword="null"/>.</exception>
    public SignalQuery OfType(params IEnumerable<SignalType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return With(_filter with { Types = types.ToArray() });
    }

    /// <summary>Signals with a confidence of at least <paramref name="confidence"/> (inclusive).</summary>
    /// <param name="confidence">The least confidence, from 0 to 1.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confidence"/> is outside [0, 1].</exception>
    public SignalQuery MinimumConfidence(decimal confidence)
    {
        if (confidence is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence lies between 0 and 1, such as 0.8.");
        }

        return With(_filter with { MinimumConfidence = confidence });
    }

    /// <summary>Signals with <paramref name="from"/> &lt;= timestamp &lt; <paramref name="to"/>; <see langword="null"/> leaves a side open.</summary>
    /// <param name="from">The first instant included.</param>
    /// <param name="to">The first instant excluded.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public SignalQuery Between(Instant? from, Instant? to)
    {
        Sql.CheckRange(from, to, nameof(to));
        return With(_filter with { From = from, To = to });
    }

    /// <summary>Signals of this model version only.</summary>
    /// <param name="modelVersion">The model version, as stored in <c>model_version</c>.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelVersion"/> is empty.</exception>
    public SignalQuery ModelVersion(string modelVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        return With(_filter with { ModelVersion = modelVersion });
    }

    /// <summary>Orders by timestamp (then symbol) in this direction; newest first by default.</summary>
    /// <param name="direction">The direction.</param>
    /// <returns>A new query.</returns>
    public SignalQuery OrderBy(SortDirection direction)
    {
        var copy = With(_filter);
        copy._order = direction;
        return copy;
    }

    /// <summary>At most <paramref name="count"/> signals.</summary>
    /// <param name="count">The most signals returned.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public SignalQuery Take(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var copy = With(_filter);
        copy._limit = count;
        return copy;
    }

    /// <summary>The signal performance by symbol over the filtered signals: counts per type and mean confidence, most signals first.</summary>
    /// <returns>The query.</returns>
    public SignalPerformanceQuery PerformanceBySymbol() => new(_dataSource, _filter);

    /// <summary>
    /// Evaluates each filtered signal over the <paramref name="horizon"/> after it, from the raw bars of its symbol
    /// (see <see cref="SignalOutcome"/> for the rules).
    /// </summary>
    /// <param name="horizon">How long after the signal to judge it, such as <c>Duration.FromDays(1)</c>.</param>
    /// <returns>The query; it keeps this query's order and limit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="horizon"/> is not positive.</exception>
    public SignalOutcomeQuery Outcomes(Duration horizon)
    {
        if (horizon <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be positive, such as Duration.FromHours(4).");
        }

        return new(_dataSource, this, horizon);
    }

    internal string SelectSql(SqlParameters parameters)
    {
        var map = TableMaps.Signals;
        var direction = Sql.Direction(_order);
        var sql = $"SELECT {map.ColumnList}, \"id\", \"created_at\", \"updated_at\"\nFROM {map.QualifiedTable}{_filter.Where(parameters)}\nORDER BY \"timestamp\" {direction}, \"symbol\" {direction}, \"id\" {direction}";
        return _limit is { } limit ? sql + $"\nLIMIT {parameters.BigInt(limit)}" : sql;
    }

    internal SortDirection Order => _order;

    private protected override string BuildSql(SqlParameters parameters) => SelectSql(parameters);

    private protected override TradingSignal Read(NpgsqlDataReader reader) => TableMaps.Signals.Read(reader);

    private SignalQuery With(SignalFilter filter)
    {
        var copy = (SignalQuery)MemberwiseClone();
        copy._filter = filter;
        return copy;
    }
}
