using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// Each symbol's newest bar at or before an instant, read from <c>trading.stock_prices</c> itself (so rows loaded by
/// any tool count), one row per symbol ordered by symbol. With symbols, one index lookup each; without, one
/// <c>DISTINCT ON (symbol)</c> over the hypertable (narrow it with <see cref="Within"/>).
/// </summary>
public sealed class LatestPriceQuery : TradingQuery<StockPrice>
{
    private string[] _symbols = [];
    private Duration? _lookback;

    internal LatestPriceQuery(NpgsqlDataSource dataSource, Instant asOf)
        : base(dataSource)
    {
        AsOf = asOf;
    }

    /// <summary>The instant: bars after it are ignored.</summary>
    public Instant AsOf { get; }

    /// <summary>These symbols only (every symbol with a bar when never called).</summary>
    /// <param name="symbols">The tickers.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="symbols"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A symbol is empty.</exception>
    public LatestPriceQuery ForSymbols(params IEnumerable<string> symbols)
    {
        var copy = (LatestPriceQuery)MemberwiseClone();
        copy._symbols = Sql.Symbols(symbols, nameof(symbols));
        return copy;
    }

    /// <summary>Ignores bars older than <paramref name="lookback"/> before <see cref="AsOf"/>: symbols without a newer bar drop out.</summary>
    /// <param name="lookback">How far back a bar still counts.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lookback"/> is not positive.</exception>
    public LatestPriceQuery Within(Duration lookback)
    {
        if (lookback <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lookback), lookback, "The lookback must be positive, such as Duration.FromDays(7).");
        }

        var copy = (LatestPriceQuery)MemberwiseClone();
        copy._lookback = lookback;
        return copy;
    }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var map = TableMaps.StockPrices;
        var columns = map.ColumnList + ", \"id\", \"created_at\", \"updated_at\"";
        var asOf = parameters.Instant(AsOf);
        var since = _lookback is { } lookback ? $" AND \"timestamp\" >= {parameters.Instant(AsOf - lookback)}" : string.Empty;
        if (_symbols.Length == 0)
        {
            return $"SELECT DISTINCT ON (\"symbol\") {columns}\nFROM {map.QualifiedTable}\nWHERE \"timestamp\" <= {asOf}{since}\nORDER BY \"symbol\", \"timestamp\" DESC";
        }

        return $"""
            SELECT p.*
            FROM unnest({parameters.TextArray(_symbols.Distinct(StringComparer.Ordinal).ToArray())}) AS s("symbol")
            CROSS JOIN LATERAL (
                SELECT {columns} FROM {map.QualifiedTable}
                WHERE "symbol" = s."symbol" AND "timestamp" <= {asOf}{since}
                ORDER BY "timestamp" DESC LIMIT 1
            ) p
            ORDER BY p."symbol"
            """;
    }

    private protected override StockPrice Read(NpgsqlDataReader reader) => TableMaps.StockPrices.Read(reader);
}
