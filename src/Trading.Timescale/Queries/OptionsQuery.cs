using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// The common part of the options queries: they all start from the chain of one underlying as of an instant,
/// the newest quote per contract (<c>option_symbol</c>) at or before it, narrowed by expiration, strike and type.
/// </summary>
/// <typeparam name="TQuery">The concrete query type each refining method returns.</typeparam>
/// <typeparam name="T">The row type.</typeparam>
public abstract class OptionsQuery<TQuery, T> : TradingQuery<T>
    where TQuery : OptionsQuery<TQuery, T>
{
    private Instant? _asOf;
    private Duration? _lookback;
    private LocalDate? _expiresFrom;
    private LocalDate? _expiresTo;
    private decimal? _minStrike;
    private decimal? _maxStrike;
    private OptionType? _type;

    private protected OptionsQuery(NpgsqlDataSource dataSource, string underlyingSymbol)
        : base(dataSource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(underlyingSymbol);
        UnderlyingSymbol = underlyingSymbol;
    }

    /// <summary>The underlying's ticker.</summary>
    public string UnderlyingSymbol { get; }

    /// <summary>The chain as it stood at <paramref name="instant"/>: each contract's newest quote at or before it. Without it, each contract's newest quote.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>A new query.</returns>
    public TQuery AsOf(Instant instant) => With(q => q._asOf = instant);

    /// <summary>Ignores quotes older than <paramref name="lookback"/> before the as-of instant (or before the newest quote's time when there is none): contracts quoted only earlier drop out, and less history is read.</summary>
    /// <param name="lookback">How far back a quote still counts.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lookback"/> is not positive.</exception>
    public TQuery Within(Duration lookback)
    {
        if (lookback <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lookback), lookback, "The lookback must be positive, such as Duration.FromDays(1).");
        }

        return With(q => q._lookback = lookback);
    }

    /// <summary>Contracts expiring in [<paramref name="from"/>, <paramref name="to"/>] (both inclusive); <see langword="null"/> leaves a side open.</summary>
    /// <param name="from">The first expiration date included.</param>
    /// <param name="to">The last expiration date included.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public TQuery Expiring(LocalDate? from, LocalDate? to)
    {
        if (from is { } f && to is { } t && t < f)
        {
            throw new ArgumentException($"The expiration range ends ({t}) before it starts ({f}).", nameof(to));
        }

        return With(q => (q._expiresFrom, q._expiresTo) = (from, to));
    }

    /// <summary>Contracts with a strike in [<paramref name="min"/>, <paramref name="max"/>]; <see langword="null"/> leaves a side open.</summary>
    /// <param name="min">The lowest strike included.</param>
    /// <param name="max">The highest strike included.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentException"><paramref name="max"/> is below <paramref name="min"/>.</exception>
    public TQuery Strikes(decimal? min, decimal? max)
    {
        if (min is { } lo && max is { } hi && hi < lo)
        {
            throw new ArgumentException($"The strike window ends ({hi}) below where it starts ({lo}).", nameof(max));
        }

        return With(q => (q._minStrike, q._maxStrike) = (min, max));
    }

    /// <summary>Calls only, puts only, or both (<see langword="null"/>, the default).</summary>
    /// <param name="type">The contract type.</param>
    /// <returns>A new query.</returns>
    public TQuery OfType(OptionType? type) => With(q => q._type = type);

    private protected Instant? AsOfInstant => _asOf;

    /// <summary>
    /// <c>chain AS (...)</c>: the newest quote per contract, every options_data column plus id, created_at and updated_at
    /// in the order <see cref="OptionQuoteMap"/> reads them.
    /// </summary>
    private protected string ChainCte(SqlParameters parameters, out string asOf)
    {
        var map = TableMaps.OptionQuotes;
        var underlying = parameters.Text(UnderlyingSymbol);
        asOf = _asOf is { } at ? parameters.Instant(at) : string.Empty;
        var conditions = new List<string?> { $"\"underlying_symbol\" = {underlying}" };
        if (_asOf is { } instant)
        {
            conditions.Add($"\"timestamp\" <= {asOf}");
            if (_lookback is { } lookback)
            {
                conditions.Add($"\"timestamp\" >= {parameters.Instant(instant - lookback)}");
            }
        }
        else if (_lookback is { } lookback)
        {
            var span = parameters.Interval(TimescaleInterval.FromTimeSpan(lookback.ToTimeSpan()));
            conditions.Add($"\"timestamp\" >= (SELECT max(\"timestamp\") FROM trading.options_data WHERE \"underlying_symbol\" = {underlying}) - {span}");
        }

        if (_expiresFrom is { } from)
        {
            conditions.Add($"\"expiration_date\" >= {parameters.Date(from)}");
        }

        if (_expiresTo is { } to)
        {
            conditions.Add($"\"expiration_date\" <= {parameters.Date(to)}");
        }

        if (_minStrike is { } min)
        {
            conditions.Add($"\"strike_price\" >= {parameters.Numeric(min)}");
        }

        if (_maxStrike is { } max)
        {
            conditions.Add($"\"strike_price\" <= {parameters.Numeric(max)}");
        }

        if (_type is { } type)
        {
            conditions.Add($"\"option_type\" = {parameters.Text(EnumText.Of(type))}");
        }

        conditions.AddRange(ExtraConditions(parameters));
        return $"""
            WITH chain AS (
                SELECT DISTINCT ON ("option_symbol") {map.ColumnList}, "id", "created_at", "updated_at"
                FROM {map.QualifiedTable}{Sql.Where([.. conditions]).Replace("\n", "\n    ", StringComparison.Ordinal)}
                ORDER BY "option_symbol", "timestamp" DESC
            )
            """;
    }

    /// <summary>Further conditions on the quotes (such as one expiration).</summary>
    private protected virtual IEnumerable<string> ExtraConditions(SqlParameters parameters) => [];

    /// <summary>The newest close of the underlying at or before the as-of instant: a scalar subquery.</summary>
    private protected string SpotSql(SqlParameters parameters, string asOf) => $"""
        (SELECT "close_price" FROM trading.stock_prices
         WHERE "symbol" = {parameters.Text(UnderlyingSymbol)} AND "close_price" IS NOT NULL{(asOf.Length == 0 ? string.Empty : $" AND \"timestamp\" <= {asOf}")}
         ORDER BY "timestamp" DESC LIMIT 1)
        """;

    private TQuery With(Action<OptionsQuery<TQuery, T>> change)
    {
        var copy = (TQuery)MemberwiseClone();
        change(copy);
        return copy;
    }
}
