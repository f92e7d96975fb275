using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Tests.Ingest;

/// <summary>Every validation rule, with the message it produces. Nothing here touches a server.</summary>
public sealed class ValidationTests : IDisposable
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 0, 0);
    private static readonly Instant At = Instant.FromUtc(2026, 5, 4, 13, 30);
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create("Host=localhost;Database=unused");
    private readonly TradingIngest _ingest;

    public ValidationTests() => _ingest = new TradingIngest(_dataSource, clock: new FixedClock(Now));

    public void Dispose() => _dataSource.Dispose();

    private static StockPrice Bar => new()
    {
        Symbol = "AAPL", Timestamp = At, OpenPrice = 10.50m, HighPrice = 11m, LowPrice = 10m, ClosePrice = 10.20m, Volume = 100, Vwap = 10.4m,
    };

    private static OptionQuote Quote => new()
    {
        UnderlyingSymbol = "AAPL", OptionSymbol = "AAPL261218C00150000", Timestamp = At, ExpirationDate = new LocalDate(2026, 12, 18),
        StrikePrice = 150m, OptionType = OptionType.Call, BidPrice = 12.10m, AskPrice = 12.40m, LastPrice = 12.2m, Volume = 5, OpenInterest = 10,
        ImpliedVolatility = 0.25m, Delta = 0.55m, Gamma = 0.02m, Theta = -0.035m, Vega = 0.12m, Rho = 0.05m, IntrinsicValue = 0m, TimeValue = 12.2m,
    };

    private static TradingSignal Signal => new() { Symbol = "AAPL", SignalType = SignalType.Buy, Confidence = 0.8m, ModelVersion = "v1", Timestamp = At };

    private static PerformanceMetric Metric => new() { MetricName = "sharpe_ratio", MetricValue = 1.2, Strategy = "momentum", Timestamp = At };

    private static DataQualityCheck Check => new() { CheckName = "gaps", TableName = "stock_prices", Status = DataQualityStatus.Pass, Timestamp = At };

    private static SystemEvent Event => new() { EventType = "restart", Severity = EventSeverity.Info, Source = "feed", Message = "ok", Timestamp = At };

    private void Valid<T>(T row, IngestOptions? options = null)
        where T : TradingRecord => Assert.Null(_ingest.Validate(row, options));

    private IngestRowError Invalid<T>(T row, string message, IngestOptions? options = null)
        where T : TradingRecord
    {
        var error = _ingest.Validate(row, options);
        Assert.NotNull(error);
        Assert.Equal(message, error.Message);
        Assert.Same(row, error.Record);
        return error;
    }

    [Fact]
    public void The_sample_rows_are_valid()
    {
        Valid(Bar);
        Valid(Quote);
        Valid(Signal);
        Valid(Metric);
        Valid(Check);
        Valid(Event);
    }

    [Fact]
    public void Required_text_must_be_present_not_blank_within_length_and_without_NUL()
    {
        var missing = Invalid(Bar with { Symbol = null! }, "row 1: symbol is missing for (no symbol) 2026-05-04T13:30:00Z");
        Assert.Equal(("symbol", (string?)null), (missing.Column, missing.Value));
        Invalid(Bar with { Symbol = "  " }, "row 1: symbol is empty for    2026-05-04T13:30:00Z");
        var tooLong = Invalid(Bar with { Symbol = "ABCDEFGHIJK" }, "row 1: symbol 'ABCDEFGHIJK' has 11 characters; the column holds at most 10 for ABCDEFGHIJK 2026-05-04T13:30:00Z");
        Assert.Equal(("symbol", "ABCDEFGHIJK"), (tooLong.Column, tooLong.Value));
        Invalid(Bar with { Symbol = "AA\0PL" }, "row 1: symbol contains a NUL character, which PostgreSQL text cannot store for AA\0PL 2026-05-04T13:30:00Z");
        Invalid(Quote with { OptionSymbol = new string('X', 51) }, $"row 1: option_symbol '{new string('X', 51)}' has 51 characters; the column holds at most 50 for AAPL 2026-12-18 C 150");
        Invalid(Check with { TableName = new string('t', 64) }, $"row 1: table_name '{new string('t', 64)}' has 64 characters; the column holds at most 63 for gaps on {new string('t', 64)} 2026-05-04T13:30:00Z");
        Invalid(Event with { Message = "" }, "row 1: message is empty for feed restart 2026-05-04T13:30:00Z");
        Valid(Bar with { Symbol = "ABCDEFGHIJ" });
        Valid(Signal with { ModelVersion = null, Reasoning = new string('r', 10_000) });
    }

    [Fact]
    public void Stock_prices_must_be_positive()
    {
        var error = Invalid(Bar with { ClosePrice = 0m, LowPrice = null }, "row 1: close_price 0 is not positive for AAPL 2026-05-04T13:30:00Z");
        Assert.Equal(("close_price", "0"), (error.Column, error.Value));
        Invalid(Bar with { OpenPrice = -1m }, "row 1: open_price -1 is not positive for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { Vwap = 0m }, "row 1: vwap 0 is not positive for AAPL 2026-05-04T13:30:00Z");
        Valid(Bar with { OpenPrice = null, HighPrice = null, LowPrice = null, ClosePrice = null, Vwap = null, Volume = null });
    }

    [Fact]
    public void Decimals_must_fit_their_column_precision_and_scale()
    {
        Invalid(Bar with { OpenPrice = 100_000_000m, HighPrice = 100_000_001m },
            "row 1: open_price 100000000 does not fit DECIMAL(12,4): its magnitude must be below 100,000,000 for AAPL 2026-05-04T13:30:00Z");
        Valid(Bar with { OpenPrice = 99_999_999.9999m, HighPrice = 99_999_999.9999m, ClosePrice = 99_999_999.9999m, LowPrice = 1m });
        Valid(Quote with { Theta = -99.999999m, TimeValue = -99_999_999.9999m });
        Invalid(Quote with { TimeValue = -100_000_000.0m }, "row 1: time_value -100000000.0 does not fit DECIMAL(12,4): its magnitude must be below 100,000,000 for AAPL 2026-12-18 C 150");
        Invalid(Bar with { Vwap = 1e20m }, "row 1: vwap 100000000000000000000 does not fit DECIMAL(12,4): its magnitude must be below 100,000,000 for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { Vwap = 0.0000000000000000000000000001m },
            "row 1: vwap 0.0000000000000000000000000001 has 28 decimal places; DECIMAL(12,4) keeps 4, so round it before ingesting for AAPL 2026-05-04T13:30:00Z");
        var scale = Invalid(Bar with { ClosePrice = 10.23456m },
            "row 1: close_price 10.23456 has 5 decimal places; DECIMAL(12,4) keeps 4, so round it before ingesting for AAPL 2026-05-04T13:30:00Z");
        Assert.Equal("10.23456", scale.Value);
        Valid(Bar with { ClosePrice = 10.2300000m });
        Invalid(Quote with { Theta = -100m }, "row 1: theta -100 does not fit DECIMAL(8,6): its magnitude must be below 100 for AAPL 2026-12-18 C 150");
        Invalid(Quote with { Gamma = 0.0000001m }, "row 1: gamma 0.0000001 has 7 decimal places; DECIMAL(8,6) keeps 6, so round it before ingesting for AAPL 2026-12-18 C 150");
        Invalid(Signal with { Confidence = 0.12345m }, "row 1: confidence 0.12345 has 5 decimal places; DECIMAL(5,4) keeps 4, so round it before ingesting for AAPL v1 2026-05-04T13:30:00Z");
    }

    [Fact]
    public void High_and_low_must_bound_open_and_close()
    {
        Invalid(Bar with { HighPrice = 10.40m }, "row 1: high_price 10.40 < open_price 10.50 for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { OpenPrice = 10m, HighPrice = 10.10m }, "row 1: high_price 10.10 < close_price 10.20 for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { OpenPrice = null, ClosePrice = null, HighPrice = 9m }, "row 1: high_price 9 < low_price 10 for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { LowPrice = 10.60m }, "row 1: low_price 10.60 > open_price 10.50 for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { OpenPrice = 10.9m, LowPrice = 10.30m }, "row 1: low_price 10.30 > close_price 10.20 for AAPL 2026-05-04T13:30:00Z");
        Valid(Bar with { OpenPrice = 11m, HighPrice = 11m, LowPrice = 10.2m, ClosePrice = 10.2m });
    }

    [Fact]
    public void Counts_must_not_be_negative()
    {
        Invalid(Bar with { Volume = -1 }, "row 1: volume -1 is negative for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { MarketCap = -5 }, "row 1: market_cap -5 is negative for AAPL 2026-05-04T13:30:00Z");
        Invalid(Bar with { SharesOutstanding = -5 }, "row 1: shares_outstanding -5 is negative for AAPL 2026-05-04T13:30:00Z");
        Invalid(Quote with { OpenInterest = -2 }, "row 1: open_interest -2 is negative for AAPL 2026-12-18 C 150");
        Valid(Bar with { Volume = 0 });
    }

    [Fact]
    public void Timestamps_may_not_lie_beyond_the_future_tolerance()
    {
        var error = Invalid(Bar with { Timestamp = Now + Duration.FromDays(2) },
            "row 1: timestamp 2026-06-03T00:00:00Z is 2 days in the future (tolerance 1 day); check the feed's clock and time zone for AAPL 2026-06-03T00:00:00Z");
        Assert.Equal("2026-06-03T00:00:00Z", error.Value);
        Valid(Bar with { Timestamp = Now + Duration.FromHours(23) });
        Invalid(Event with { Timestamp = Now + Duration.FromMinutes(90) },
            "row 1: timestamp 2026-06-01T01:30:00Z is 1.5 hours in the future (tolerance 1 hour); check the feed's clock and time zone for feed restart 2026-06-01T01:30:00Z",
            IngestOptions.Default with { FutureTolerance = Duration.FromHours(1) });
        Valid(Signal with { ExpiresAt = Now + Duration.FromDays(30) });
    }

    [Fact]
    public void The_bid_may_not_exceed_the_ask()
    {
        var error = Invalid(Quote with { BidPrice = 12.40m, AskPrice = 12.10m }, "row 1: bid_price 12.40 > ask_price 12.10 for AAPL 2026-12-18 C 150");
        Assert.Equal(("bid_price", "12.40"), (error.Column, error.Value));
        Valid(Quote with { BidPrice = 12.40m, AskPrice = 12.40m });
        Valid(Quote with { BidPrice = 0m, AskPrice = 0.05m });
        Invalid(Quote with { BidPrice = -0.01m }, "row 1: bid_price -0.01 is negative for AAPL 2026-12-18 C 150");
        Invalid(Quote with { StrikePrice = 0m }, "row 1: strike_price 0 is not positive for AAPL 2026-12-18 C 0");
    }

    [Fact]
    public void Expirations_are_compared_with_the_quote_date_in_the_exchange_time_zone()
    {
        // 02:00 UTC on May 5 is still May 4 in New York.
        var lateEvening = Quote with { Timestamp = Instant.FromUtc(2026, 5, 5, 2, 0), ExpirationDate = new LocalDate(2026, 5, 4) };
        Valid(lateEvening);
        Invalid(lateEvening with { ExpirationDate = new LocalDate(2026, 5, 3) },
            "row 1: expiration_date 2026-05-03 is before the quote's date 2026-05-04 in America/New_York for AAPL 2026-05-03 C 150");
        Invalid(lateEvening, "row 1: expiration_date 2026-05-04 is before the quote's date 2026-05-05 in Europe/London for AAPL 2026-05-04 C 150",
            IngestOptions.Default with { ExchangeTimeZone = "Europe/London" });
        Invalid(Quote with { ExpirationDate = new LocalDate(2036, 5, 5) },
            "row 1: expiration_date 2036-05-05 is more than 10 years after the quote's date 2026-05-04 for AAPL 2036-05-05 C 150");
        Valid(Quote with { ExpirationDate = new LocalDate(2036, 5, 4) });
    }

    [Fact]
    public void Greeks_respect_their_signs_and_delta_its_range()
    {
        Invalid(Quote with { Delta = 1.5m }, "row 1: delta 1.5 is outside [0, 1] for a call (delta is per $1 of the underlying, not in percent) for AAPL 2026-12-18 C 150");
        Invalid(Quote with { OptionType = OptionType.Put, Delta = 0.3m }, "row 1: delta 0.3 is outside [-1, 0] for a put (delta is per $1 of the underlying, not in percent) for AAPL 2026-12-18 P 150");
        Valid(Quote with { OptionType = OptionType.Put, Delta = -1m });
        Invalid(Quote with { Gamma = -0.01m }, "row 1: gamma -0.01 is negative for AAPL 2026-12-18 C 150");
        Invalid(Quote with { Vega = -0.01m }, "row 1: vega -0.01 is negative for AAPL 2026-12-18 C 150");
        Invalid(Quote with { ImpliedVolatility = -0.2m }, "row 1: implied_volatility -0.2 is negative for AAPL 2026-12-18 C 150");
        Valid(Quote with { Theta = -1.25m, Rho = -0.5m, TimeValue = -0.01m });
    }

    [Fact]
    public void Enums_must_be_defined()
    {
        Invalid(Quote with { OptionType = (OptionType)7 }, "row 1: option_type 7 is not a defined OptionType (CALL, PUT) for AAPL 2026-12-18 C 150");
        Invalid(Signal with { SignalType = (SignalType)(-1) }, "row 1: signal_type -1 is not a defined SignalType (BUY, SELL, HOLD) for AAPL v1 2026-05-04T13:30:00Z");
        Invalid(Event with { Severity = (EventSeverity)9 }, "row 1: severity 9 is not a defined EventSeverity (DEBUG, INFO, WARNING, ERROR, CRITICAL) for feed restart 2026-05-04T13:30:00Z");
        Invalid(Metric with { Period = (MetricPeriod)8 }, "row 1: period 8 is not a defined MetricPeriod (MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR, ALL) for sharpe_ratio momentum 2026-05-04T13:30:00Z");
        Invalid(Check with { Status = (DataQualityStatus)3 }, "row 1: status 3 is not a defined DataQualityStatus (PASS, WARN, FAIL) for gaps on stock_prices 2026-05-04T13:30:00Z");
    }

    [Fact]
    public void Confidence_lies_in_zero_to_one_and_a_signal_expires_after_it_is_made()
    {
        Invalid(Signal with { Confidence = 1.2m }, "row 1: confidence 1.2 is outside [0, 1] for AAPL v1 2026-05-04T13:30:00Z");
        Invalid(Signal with { Confidence = -0.1m }, "row 1: confidence -0.1 is outside [0, 1] for AAPL v1 2026-05-04T13:30:00Z");
        Valid(Signal with { Confidence = 1m });
        Invalid(Signal with { ExpiresAt = At }, "row 1: expires_at 2026-05-04T13:30:00Z is not after timestamp 2026-05-04T13:30:00Z for AAPL v1 2026-05-04T13:30:00Z");
        Invalid(Signal with { TargetPrice = 0m }, "row 1: target_price 0 is not positive for AAPL v1 2026-05-04T13:30:00Z");
    }

    [Fact]
    public void Json_columns_must_hold_one_well_formed_value()
    {
        var error = _ingest.Validate(Signal with { Features = "{\"rsi\": 71.5," });
        Assert.NotNull(error);
        Assert.Equal("features", error.Column);
        Assert.StartsWith("features is not valid JSON: ", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("features is not valid JSON: '{' is invalid after a single JSON value.", _ingest.Validate(Signal with { Features = "{} {}" })!.Reason, StringComparison.Ordinal);
        Invalid(Event with { Details = "\"a\\u0000b\"" }, "row 1: details is not valid JSON: it contains the escape \\u0000, which jsonb cannot store for feed restart 2026-05-04T13:30:00Z");
        Invalid(Check with { Details = "" }, "row 1: details is not valid JSON: it is empty for gaps on stock_prices 2026-05-04T13:30:00Z");
        Invalid(Metric with { Tags = null! }, "row 1: tags is missing for sharpe_ratio momentum 2026-05-04T13:30:00Z");
        Valid(Signal with { Features = "[1, 2, {\"a\": null}]" });
        Valid(Metric with { Tags = "{\"desk\": \"eq\"}" });
    }

    [Fact]
    public void Measured_numbers_must_be_finite()
    {
        Invalid(Metric with { MetricValue = double.NaN }, "row 1: metric_value NaN is not a finite number for sharpe_ratio momentum 2026-05-04T13:30:00Z");
        Invalid(Check with { MeasuredValue = double.PositiveInfinity }, "row 1: measured_value Infinity is not a finite number for gaps on stock_prices 2026-05-04T13:30:00Z");
        Valid(Check with { MeasuredValue = -3.5, ThresholdValue = 0 });
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_the_setting_named()
    {
        Assert.Contains("BatchSize", Assert.Throws<OptionsValidationException>(() => new TradingIngest(_dataSource, IngestOptions.Default with { BatchSize = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("Mars/Olympus", Assert.Throws<OptionsValidationException>(() => new TradingIngest(_dataSource, IngestOptions.Default with { ExchangeTimeZone = "Mars/Olympus" })).Message, StringComparison.Ordinal);
        Assert.Contains("FutureTolerance", Assert.Throws<OptionsValidationException>(() => new TradingIngest(_dataSource, IngestOptions.Default with { FutureTolerance = Duration.FromHours(-1) })).Message, StringComparison.Ordinal);

        // Every broken setting at once, as TradingTimescaleOptions and the other options report them.
        var all = Assert.Throws<OptionsValidationException>(() => new TradingIngest(_dataSource, IngestOptions.Default with { BatchSize = 0, MaxRetries = -1 }));
        Assert.Equal(typeof(IngestOptions), all.OptionsType);
        Assert.Equal(["IngestOptions.BatchSize is 0; use 1 to 1,000,000.", $"IngestOptions.MaxRetries is -1; use 0 to {RetryOptions.MaxAttemptsLimit - 1}, or null for TradingTimescale:Retry."], all.Failures);
    }

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
