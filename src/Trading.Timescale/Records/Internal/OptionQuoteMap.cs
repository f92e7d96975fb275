using System.Globalization;
using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary><see cref="OptionQuote"/> ↔ <c>trading.options_data</c> (and <c>trading.latest_option_quotes</c>).</summary>
internal sealed class OptionQuoteMap : TableMap<OptionQuote>
{
    private static readonly Column<OptionQuote>[] AllColumns =
    [
        new TextColumn<OptionQuote>("underlying_symbol", 10, required: true, r => r.UnderlyingSymbol),
        new TextColumn<OptionQuote>("option_symbol", 50, required: true, r => r.OptionSymbol),
        new InstantColumn<OptionQuote>("timestamp", required: true, notInFuture: true, r => r.Timestamp),
        new DateColumn<OptionQuote>("expiration_date", required: true, r => r.ExpirationDate),
        new DecimalColumn<OptionQuote>("strike_price", 12, 4, NumberRange.Positive, required: true, r => r.StrikePrice),
        new EnumColumn<OptionQuote, OptionType>("option_type", 4, EnumText.OptionTypes, hasDefault: false, r => r.OptionType),
        new DecimalColumn<OptionQuote>("bid_price", 12, 4, NumberRange.NonNegative, required: false, r => r.BidPrice),
        new DecimalColumn<OptionQuote>("ask_price", 12, 4, NumberRange.NonNegative, required: false, r => r.AskPrice),
        new DecimalColumn<OptionQuote>("last_price", 12, 4, NumberRange.NonNegative, required: false, r => r.LastPrice),
        new Int64Column<OptionQuote>("volume", nonNegative: true, required: false, r => r.Volume),
        new Int64Column<OptionQuote>("open_interest", nonNegative: true, required: false, r => r.OpenInterest),
        new DecimalColumn<OptionQuote>("implied_volatility", 8, 6, NumberRange.NonNegative, required: false, r => r.ImpliedVolatility),
        new DecimalColumn<OptionQuote>("delta", 8, 6, NumberRange.Any, required: false, r => r.Delta),
        new DecimalColumn<OptionQuote>("gamma", 8, 6, NumberRange.NonNegative, required: false, r => r.Gamma),
        new DecimalColumn<OptionQuote>("theta", 8, 6, NumberRange.Any, required: false, r => r.Theta),
        new DecimalColumn<OptionQuote>("vega", 8, 6, NumberRange.NonNegative, required: false, r => r.Vega),
        new DecimalColumn<OptionQuote>("rho", 8, 6, NumberRange.Any, required: false, r => r.Rho),
        new DecimalColumn<OptionQuote>("intrinsic_value", 12, 4, NumberRange.NonNegative, required: false, r => r.IntrinsicValue),
        new DecimalColumn<OptionQuote>("time_value", 12, 4, NumberRange.Any, required: false, r => r.TimeValue),
    ];

    public OptionQuoteMap()
        : base("options_data", IngestTable.OptionsData, AllColumns, ["option_symbol", "timestamp"],
            new LatestSnapshot<OptionQuote>("latest_option_quotes", "option_symbol", r => r.OptionSymbol))
    {
    }

    public override OptionQuote Read(NpgsqlDataReader reader) => new()
    {
        UnderlyingSymbol = reader.GetString(0),
        OptionSymbol = reader.GetString(1),
        Timestamp = reader.GetFieldValue<Instant>(2),
        ExpirationDate = reader.GetFieldValue<LocalDate>(3),
        StrikePrice = reader.GetDecimal(4),
        OptionType = EnumText.ParseOptionType(reader.GetString(5)),
        BidPrice = GetDecimal(reader, 6),
        AskPrice = GetDecimal(reader, 7),
        LastPrice = GetDecimal(reader, 8),
        Volume = GetInt64(reader, 9),
        OpenInterest = GetInt64(reader, 10),
        ImpliedVolatility = GetDecimal(reader, 11),
        Delta = GetDecimal(reader, 12),
        Gamma = GetDecimal(reader, 13),
        Theta = GetDecimal(reader, 14),
        Vega = GetDecimal(reader, 15),
        Rho = GetDecimal(reader, 16),
        IntrinsicValue = GetDecimal(reader, 17),
        TimeValue = GetDecimal(reader, 18),
        Id = GetInt64(reader, 19),
        CreatedAt = GetInstant(reader, 20),
        UpdatedAt = GetInstant(reader, 21),
    };

    public override OptionQuote Create(CsvValues values) => new()
    {
        UnderlyingSymbol = values.Text(0)!,
        OptionSymbol = values.Text(1)!,
        Timestamp = values.Instant(2)!.Value,
        ExpirationDate = values.Date(3)!.Value,
        StrikePrice = values.Decimal(4)!.Value,
        OptionType = (OptionType)values.Enum(5)!.Value,
        BidPrice = values.Decimal(6),
        AskPrice = values.Decimal(7),
        LastPrice = values.Decimal(8),
        Volume = values.Int64(9),
        OpenInterest = values.Int64(10),
        ImpliedVolatility = values.Decimal(11),
        Delta = values.Decimal(12),
        Gamma = values.Decimal(13),
        Theta = values.Decimal(14),
        Vega = values.Decimal(15),
        Rho = values.Decimal(16),
        IntrinsicValue = values.Decimal(17),
        TimeValue = values.Decimal(18),
    };

    /// <summary>For example <c>AAPL 2026-12-18 C 150</c>.</summary>
    public override string Describe(OptionQuote row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.UnderlyingSymbol ?? "(no underlying)"} {ValidationContext.Format(row.ExpirationDate)} {(row.OptionType == OptionType.Put ? 'P' : 'C')} {row.StrikePrice:0.####}");

    protected override ColumnError? CheckRow(OptionQuote row, ValidationContext context)
    {
        if (row.BidPrice is { } bid && row.AskPrice is { } ask && bid > ask)
        {
            return StockPriceMap.Order("bid_price", bid, '>', "ask_price", ask);
        }

        var quoteDate = row.Timestamp.InZone(context.ExchangeZone).Date;
        var expiration = ValidationContext.Format(row.ExpirationDate);
        if (row.ExpirationDate < quoteDate)
        {
            return new ColumnError("expiration_date", expiration,
                $"expiration_date {expiration} is before the quote's date {ValidationContext.Format(quoteDate)} in {context.ExchangeZone.Id}");
        }

        if (row.ExpirationDate > quoteDate.PlusYears(context.MaxYearsToExpiration))
        {
            return new ColumnError("expiration_date", expiration,
                $"expiration_date {expiration} is more than {context.MaxYearsToExpiration} years after the quote's date {ValidationContext.Format(quoteDate)}");
        }

        if (row.Delta is { } delta)
        {
            var (low, high, kind) = row.OptionType == OptionType.Put ? (-1m, 0m, "put") : (0m, 1m, "call");
            if (delta < low || delta > high)
            {
                var text = delta.ToString(CultureInfo.InvariantCulture);
                return new ColumnError("delta", text,
                    string.Create(CultureInfo.InvariantCulture, $"delta {text} is outside [{low}, {high}] for a {kind} (delta is per $1 of the underlying, not in percent)"));
            }
        }

        return null;
    }
}
