using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary><see cref="StockPrice"/> ↔ <c>trading.stock_prices</c> (and <c>trading.latest_stock_prices</c>).</summary>
internal sealed class StockPriceMap : TableMap<StockPrice>
{
    private static readonly Column<StockPrice>[] AllColumns =
    [
        new TextColumn<StockPrice>("symbol", 10, required: true, r => r.Symbol),
        new InstantColumn<StockPrice>("timestamp", required: true, notInFuture: true, r => r.Timestamp),
        new DecimalColumn<StockPrice>("open_price", 12, 4, NumberRange.Positive, required: false, r => r.OpenPrice),
        new DecimalColumn<StockPrice>("high_price", 12, 4, NumberRange.Positive, required: false, r => r.HighPrice),
        new DecimalColumn<StockPrice>("low_price", 12, 4, NumberRange.Positive, required: false, r => r.LowPrice),
        new DecimalColumn<StockPrice>("close_price", 12, 4, NumberRange.Positive, required: false, r => r.ClosePrice),
        new Int64Column<StockPrice>("volume", nonNegative: true, required: false, r => r.Volume),
        new DecimalColumn<StockPrice>("vwap", 12, 4, NumberRange.Positive, required: false, r => r.Vwap),
        new Int64Column<StockPrice>("market_cap", nonNegative: true, required: false, r => r.MarketCap),
        new Int64Column<StockPrice>("shares_outstanding", nonNegative: true, required: false, r => r.SharesOutstanding),
    ];

    public StockPriceMap()
        : base("stock_prices", IngestTable.StockPrices, AllColumns, ["symbol", "timestamp"],
            new LatestSnapshot<StockPrice>("latest_stock_prices", "symbol", r => r.Symbol))
    {
    }

    public override StockPrice Read(NpgsqlDataReader reader) => new()
    {
        Symbol = reader.GetString(0),
        Timestamp = reader.GetFieldValue<Instant>(1),
        OpenPrice = GetDecimal(reader, 2),
        HighPrice = GetDecimal(reader, 3),
        LowPrice = GetDecimal(reader, 4),
        ClosePrice = GetDecimal(reader, 5),
        Volume = GetInt64(reader, 6),
        Vwap = GetDecimal(reader, 7),
        MarketCap = GetInt64(reader, 8),
        SharesOutstanding = GetInt64(reader, 9),
        Id = GetInt64(reader, 10),
        CreatedAt = GetInstant(reader, 11),
        UpdatedAt = GetInstant(reader, 12),
    };

    public override StockPrice Create(CsvValues values) => new()
    {
        Symbol = values.Text(0)!,
        Timestamp = values.Instant(1)!.Value,
        OpenPrice = values.Decimal(2),
        HighPrice = values.Decimal(3),
        LowPrice = values.Decimal(4),
        ClosePrice = values.Decimal(5),
        Volume = values.Int64(6),
        Vwap = values.Decimal(7),
        MarketCap = values.Int64(8),
        SharesOutstanding = values.Int64(9),
    };

    public override string Describe(StockPrice row) =>
        $"{row.Symbol ?? "(no symbol)"} {ValidationContext.Format(row.Timestamp)}";

    protected override ColumnError? CheckRow(StockPrice row, ValidationContext context)
    {
        if (row.HighPrice is { } high)
        {
            if (row.OpenPrice is { } open && high < open)
            {
                return Order("high_price", high, '<', "open_price", open);
            }

            if (row.ClosePrice is { } close && high < close)
            {
                return Order("high_price", high, '<', "close_price", close);
            }

            if (row.LowPrice is { } lowest && high < lowest)
            {
                return Order("high_price", high, '<', "low_price", lowest);
            }
        }

        if (row.LowPrice is { } low)
        {
            if (row.OpenPrice is { } open && low > open)
            {
                return Order("low_price", low, '>', "open_price", open);
            }

            if (row.ClosePrice is { } close && low > close)
            {
                return Order("low_price", low, '>', "close_price", close);
            }
        }

        return null;
    }

    internal static ColumnError Order(string column, decimal value, char relation, string otherColumn, decimal other)
    {
        var text = Invariant(value);
        return new ColumnError(column, text, $"{column} {text} {relation} {otherColumn} {Invariant(other)}");
    }

    private static string Invariant(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
