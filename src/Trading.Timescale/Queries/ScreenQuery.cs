using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;
using Trading.Timescale.Queries.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// A screen across symbols: <c>trading.screen(interval, as_of, symbols)</c>, one <see cref="ScreenRow"/> per symbol for
/// its last complete bar (the bar's end at or before <see cref="AsOf"/>, <c>now()</c> by default), in one query. Filters such as
/// <see cref="RsiBelow"/> and <see cref="AboveUpperBand"/> all apply together; rows are ordered by symbol unless
/// <see cref="OrderBy"/> says otherwise.
/// </summary>
public sealed class ScreenQuery : TradingQuery<ScreenRow>
{
    private string[]? _symbols;
    private Instant? _asOf;
    private (string Condition, double? Value)[] _filters = [];
    private ScreenOrder _order = ScreenOrder.Symbol;
    private SortDirection _direction = SortDirection.Ascending;
    private long? _limit;

    internal ScreenQuery(NpgsqlDataSource dataSource, TimescaleInterval interval)
        : base(dataSource)
    {
        Interval = interval;
    }

    /// <summary>The bar width.</summary>
    public TimescaleInterval Interval { get; }

    /// <summary>These symbols only (when never called: every symbol in <c>trading.latest_stock_prices</c> or with a bar in the last 388 bar widths).</summary>
    /// <param name="symbols">The tickers.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="symbols"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A symbol is empty.</exception>
    public ScreenQuery ForSymbols(params IEnumerable<string> symbols)
    {
        var copy = Copy();
        copy._symbols = Sql.Symbols(symbols, nameof(symbols));
        return copy;
    }

    /// <summary>The screen as of <paramref name="asOf"/>: each symbol's last bar that ended at or before it (the server's <c>now()</c> when never called).</summary>
    /// <param name="asOf">The instant.</param>
    /// <returns>A new query.</returns>
    public ScreenQuery AsOf(Instant asOf)
    {
        var copy = Copy();
        copy._asOf = asOf;
        return copy;
    }

    /// <summary>Symbols whose RSI-14 is below <paramref name="rsi"/> (oversold: 30).</summary>
    /// <param name="rsi">The bound, from 0 to 100 (exclusive).</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rsi"/> is outside [0, 100].</exception>
    public ScreenQuery RsiBelow(double rsi) => Where("\"rsi14\" < {0}", CheckRsi(rsi, nameof(rsi)));

    /// <summary>Symbols whose RSI-14 is above <paramref name="rsi"/> (overbought: 70).</summary>
    /// <param name="rsi">The bound, from 0 to 100 (exclusive).</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rsi"/> is outside [0, 100].</exception>
    public ScreenQuery RsiAbove(double rsi) => Where("\"rsi14\" > {0}", CheckRsi(rsi, nameof(rsi)));

    /// <summary>Symbols that closed above the upper Bollinger(20, 2) band (%B above 1).</summary>
    /// <returns>A new query.</returns>
    public ScreenQuery AboveUpperBand() => Where("\"percent_b\" > 1", null);

    /// <summary>Symbols that closed below the lower Bollinger(20, 2) band (%B below 0).</summary>
    /// <returns>A new query.</returns>
    public ScreenQuery BelowLowerBand() => Where("\"percent_b\" < 0", null);

    /// <summary>Symbols whose bar traded at least <paramref name="ratio"/> times their 20-bar average volume.</summary>
    /// <param name="ratio">The least relative volume, such as 2.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ratio"/> is negative or not a number.</exception>
    public ScreenQuery RelativeVolumeAtLeast(double ratio)
    {
        if (!(ratio >= 0) || double.IsInfinity(ratio))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The relative volume is a ratio of at least 0, such as 2.");
        }

        return Where("\"relative_volume\" >= {0}", ratio);
    }

    /// <summary>Orders by <paramref name="order"/> in <paramref name="direction"/> (rows without that value last, ties by symbol).</summary>
    /// <param name="order">The column.</param>
    /// <param name="direction">The direction; ascending by default.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> or <paramref name="direction"/> is not a defined value.</exception>
    public ScreenQuery OrderBy(ScreenOrder order, SortDirection direction = SortDirection.Ascending)
    {
        if (!Enum.IsDefined(order))
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "Order by one of the ScreenOrder values, such as ScreenOrder.Rsi14.");
        }

        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "The direction is SortDirection.Ascending or SortDirection.Descending.");
        }

        var copy = Copy();
        copy._order = order;
        copy._direction = direction;
        return copy;
    }

    /// <summary>At most <paramref name="count"/> rows (after the filters and the order).</summary>
    /// <param name="count">The most rows returned.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public ScreenQuery Take(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var copy = Copy();
        copy._limit = count;
        return copy;
    }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var interval = parameters.Text(Interval.ToString());
        var asOf = _asOf is { } instant ? parameters.Instant(instant) : "now()";
        var symbols = _symbols is null
            ? "NULL::text[]"
            : parameters.TextArray(_symbols.Distinct(StringComparer.Ordinal).ToArray());
        var conditions = _filters
            .Select(f => f.Value is { } value
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture, f.Condition, parameters.Add(value, NpgsqlDbType.Double, "double precision"))
                : f.Condition)
            .ToArray();
        var column = _order switch
        {
            ScreenOrder.Rsi14 => "\"rsi14\"",
            ScreenOrder.PercentB => "\"percent_b\"",
            ScreenOrder.Bandwidth => "\"bandwidth\"",
            ScreenOrder.RelativeVolume => "\"relative_volume\"",
            ScreenOrder.ChangePercent => "\"change_percent\"",
            ScreenOrder.Atr14 => "\"atr14\"",
            _ => null,
        };
        var direction = Sql.Direction(_direction);
        var order = column is null
            ? $"\"symbol\" COLLATE \"C\" {direction}"
            : $"{column} {direction} NULLS LAST, \"symbol\" COLLATE \"C\"";
        var sql = $"""
            SELECT "symbol", "timestamp", "close", "change", "change_percent", "rsi14", "sma20", "sma50", "percent_b", "bandwidth", "atr14", "volume", "relative_volume"
            FROM trading.screen({interval}, {asOf}, {symbols}){Sql.Where(conditions)}
            ORDER BY {order}
            """;
        return _limit is { } limit ? sql + $"\nLIMIT {parameters.BigInt(limit)}" : sql;
    }

    private protected override ScreenRow Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.RequiredInstant(1),
        reader.GetDecimal(2),
        reader.Decimal(3),
        reader.Double(4),
        reader.Double(5),
        reader.Double(6),
        reader.Double(7),
        reader.Double(8),
        reader.Double(9),
        reader.Double(10),
        reader.Int64(11),
        reader.Double(12));

    private static double CheckRsi(double rsi, string argument) =>
        rsi is >= 0 and <= 100
            ? rsi
            : throw new ArgumentOutOfRangeException(argument, rsi, "RSI lies between 0 and 100, such as 30 (oversold) or 70 (overbought).");

    private ScreenQuery Where(string condition, double? value)
    {
        var copy = Copy();
        copy._filters = [.. _filters, (condition, value)];
        return copy;
    }

    private ScreenQuery Copy() => (ScreenQuery)MemberwiseClone();
}
