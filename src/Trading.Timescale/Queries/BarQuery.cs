using NodaTime;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.Queries.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// OHLCV bars of any width. For 1 minute, 5 minutes, 1 hour and 1 day it reads the matching aggregate
/// (<c>trading.stock_prices_1m</c>... <c>_1d</c>); any other width is bucketed from <c>trading.stock_prices</c> with
/// the aggregates' expressions, widths of a day or more in the exchange time zone like <c>stock_prices_1d</c>.
/// Bars are ordered by bucket, then symbol. A range keeps the bars whose start lies in [from, to).
/// </summary>
public sealed class BarQuery : TradingQuery<Bar>
{
    private string[] _symbols = [];
    private Instant? _from;
    private Instant? _to;
    private SortDirection _order;
    private long? _limit;
    private BarGapFill _gapFill;

    internal BarQuery(NpgsqlDataSource dataSource, TimescaleInterval interval)
        : base(dataSource)
    {
        Interval = interval;
    }

    /// <summary>The bar width.</summary>
    public TimescaleInterval Interval { get; }

    /// <summary>The aggregate this query reads, or <see langword="null"/> when it buckets raw rows.</summary>
    public string? Source => AggregateCatalog.BarsOf(Interval)?.QualifiedName;

    /// <summary>Bars of these symbols only (every symbol when never called).</summary>
    /// <param name="symbols">The tickers.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="symbols"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A symbol is empty.</exception>
    public BarQuery ForSymbols(params IEnumerable<string> symbols)
    {
        var copy = Copy();
        copy._symbols = Sql.Symbols(symbols, nameof(symbols));
        return copy;
    }

    /// <summary>Bars starting in [<paramref name="from"/>, <paramref name="to"/>); <see langword="null"/> leaves a side open.</summary>
    /// <param name="from">The first bar start included.</param>
    /// <param name="to">The first bar start excluded.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public BarQuery Between(Instant? from, Instant? to)
    {
        Sql.CheckRange(from, to, nameof(to));
        var copy = Copy();
        copy._from = from;
        copy._to = to;
        return copy;
    }

    /// <summary>Orders by bucket (then symbol) in this direction; ascending by default.</summary>
    /// <param name="direction">The direction.</param>
    /// <returns>A new query.</returns>
    public BarQuery OrderBy(SortDirection direction)
    {
        var copy = Copy();
        copy._order = direction;
        return copy;
    }

    /// <summary>At most <paramref name="count"/> bars (with <see cref="SortDirection.Descending"/>: the newest).</summary>
    /// <param name="count">The most bars returned.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public BarQuery Take(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var copy = Copy();
        copy._limit = count;
        return copy;
    }

    /// <summary>
    /// Returns a bar for every bucket of the range, also where no rows are (community edition only: it uses
    /// <c>time_bucket_gapfill</c> and <c>locf</c>; on the apache edition running the query throws a
    /// <see cref="TradingQueryException"/> that says so). Needs a range with both ends (<see cref="Between"/>).
    /// </summary>
    /// <param name="fill">What an empty bucket holds.</param>
    /// <returns>A new query.</returns>
    public BarQuery FillGaps(BarGapFill fill = BarGapFill.Empty)
    {
        var copy = Copy();
        copy._gapFill = fill;
        return copy;
    }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var aggregate = AggregateCatalog.BarsOf(Interval);
        var gapFill = _gapFill != BarGapFill.None;
        if (gapFill && (_from is null || _to is null))
        {
            throw new InvalidOperationException("Filling gaps needs a range with both ends: call Between(from, to) with two instants.");
        }

        var symbolFilter = _symbols.Length == 0 ? null : Sql.In(parameters, "\"symbol\"", _symbols);
        var from = _from is { } f ? parameters.Instant(f) : null;
        var to = _to is { } t ? parameters.Instant(t) : null;
        string sql;
        if (aggregate is not null && !gapFill)
        {
            var where = Sql.Where(symbolFilter, from is null ? null : $"\"bucket\" >= {from}", to is null ? null : $"\"bucket\" < {to}");
            sql = $"SELECT \"bucket\", \"symbol\", \"open\", \"high\", \"low\", \"close\", \"volume\", \"vwap\"\nFROM {aggregate.QualifiedName}{where}";
        }
        else
        {
            var raw = aggregate is null;
            var time = raw ? "\"timestamp\"" : "\"bucket\"";
            var width = parameters.Interval(Interval);
            var exchangeDay = BarDefinition.IsExchangeDay(Interval);
            var zone = exchangeDay ? ", " + BarDefinition.ExchangeTimeZone : string.Empty;
            var bucket = gapFill ? $"time_bucket_gapfill({width}, {time}{zone}, {from}, {to})" : BarDefinition.Bucket(width, time, exchangeDay);
            var rawTo = to is null ? null : raw && !gapFill ? BarDefinition.RawRowsBefore(time, to, width) : $"{time} < {to}";
            var where = Sql.Where(symbolFilter, from is null ? null : $"{time} >= {from}", rawTo);
            var close = raw ? "\"close_price\"" : "\"close\"";
            var carried = _gapFill == BarGapFill.CarryForward ? $",\n       locf(last({close}, {time})) AS \"carried\"" : string.Empty;
            sql = $"""
                SELECT {bucket} AS "bucket", "symbol",
                       {BarDefinition.Ohlcv(time, raw)}{carried}
                FROM {(raw ? "trading.stock_prices" : aggregate!.QualifiedName)}{where}
                GROUP BY 1, 2
                """;
            if (gapFill)
            {
                var (o, h, l, c) = _gapFill == BarGapFill.CarryForward
                    ? ("COALESCE(b.\"open\", b.\"carried\")", "COALESCE(b.\"high\", b.\"carried\")", "COALESCE(b.\"low\", b.\"carried\")", "COALESCE(b.\"close\", b.\"carried\")")
                    : ("b.\"open\"", "b.\"high\"", "b.\"low\"", "b.\"close\"");
                sql = $"SELECT b.\"bucket\", b.\"symbol\", {o}, {h}, {l}, {c}, COALESCE(b.\"volume\", 0), b.\"vwap\"\nFROM (\n{sql}\n) b";
            }
            else if (raw && (from is not null || to is not null))
            {
                sql = $"SELECT b.* FROM (\n{sql}\n) b{Sql.Where(from is null ? null : $"b.\"bucket\" >= {from}", to is null ? null : $"b.\"bucket\" < {to}")}";
            }
        }

        var direction = Sql.Direction(_order);
        sql += $"\nORDER BY \"bucket\" {direction}, \"symbol\"";
        if (_limit is { } limit)
        {
            sql += $"\nLIMIT {parameters.BigInt(limit)}";
        }

        return sql;
    }

    private protected override Bar Read(NpgsqlDataReader reader) => new(
        reader.RequiredInstant(0), reader.GetString(1), reader.Decimal(2), reader.Decimal(3), reader.Decimal(4), reader.Decimal(5), reader.Int64(6), reader.Decimal(7));

    private protected override TradingQueryException? Explain(PostgresException error) =>
        _gapFill != BarGapFill.None ? PostgresErrors.ToGapFillUnavailable(error) : null;

    private BarQuery Copy() => (BarQuery)MemberwiseClone();
}
