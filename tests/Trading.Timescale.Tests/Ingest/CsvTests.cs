using System.Globalization;
using NodaTime;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Tests.Ingest;

public sealed class CsvTests
{
    private static async Task<List<T>> ReadAsync<T>(string csv)
        where T : TradingRecord
    {
        var rows = new List<T>();
        await foreach (var row in TradingCsv.ReadAsync<T>(new StringReader(csv), TestContext.Current.CancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Columns_map_by_header_name_in_any_order_and_case_and_empty_fields_are_null()
    {
        var rows = await ReadAsync<StockPrice>("CLOSE_PRICE,symbol,timestamp,volume,open_price\n10.25,AAPL,2026-05-04T13:30:00Z,,10.5\n");

        var bar = Assert.Single(rows);
        Assert.Equal(new StockPrice { Symbol = "AAPL", Timestamp = Instant.FromUtc(2026, 5, 4, 13, 30), ClosePrice = 10.25m, OpenPrice = 10.5m }, bar);
        Assert.Null(bar.Volume);
    }

    [Fact]
    public async Task Quoting_follows_RFC_4180()
    {
        var csv = "event_type,severity,source,message,details,timestamp\r\n"
            + "\"halt\",ERROR,feed,\"line one\r\nline \"\"two\"\", with comma\",\"{\"\"a\"\": 1}\",2026-05-04T13:30:00Z\r\n"
            + "ping,info,feed,\"\",,2026-05-04T13:31:00Z\r\n";

        var rows = await ReadAsync<SystemEvent>(csv);

        Assert.Equal(2, rows.Count);
        Assert.Equal("line one\r\nline \"two\", with comma", rows[0].Message);
        Assert.Equal("{\"a\": 1}", rows[0].Details);
        Assert.Equal(EventSeverity.Error, rows[0].Severity);
        Assert.Equal(string.Empty, rows[1].Message);
        Assert.Null(rows[1].Details);
        Assert.Equal(EventSeverity.Info, rows[1].Severity);
    }

    [Fact]
    public async Task A_byte_order_mark_blank_lines_and_a_missing_final_newline_are_accepted()
    {
        var rows = await ReadAsync<StockPrice>("\uFEFFsymbol,timestamp\n\nAAPL,2026-05-04T13:30:00Z\n\r\nMSFT,2026-05-04T13:30:00Z");

        Assert.Equal(["AAPL", "MSFT"], rows.Select(r => r.Symbol));
    }

    [Fact]
    public async Task Numbers_use_the_invariant_culture_whatever_the_current_culture()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var bar = Assert.Single(await ReadAsync<StockPrice>("symbol,timestamp,close_price,market_cap\nSAP,2026-05-04T13:30:00Z,1.5,2500000000\n"));
            Assert.Equal(1.5m, bar.ClosePrice);
            Assert.Equal(2_500_000_000L, bar.MarketCap);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public async Task Timestamps_need_an_offset_and_dates_are_ISO()
    {
        var csv = "underlying_symbol,option_symbol,timestamp,expiration_date,strike_price,option_type\n"
            + "AAPL,A1,2026-05-04T09:30:00-04:00,2026-12-18,150,call\n"
            + "AAPL,A2,2026-05-04 13:30:00.25+00,2026-12-18,150,PUT\n";

        var quotes = await ReadAsync<OptionQuote>(csv);

        Assert.Equal(Instant.FromUtc(2026, 5, 4, 13, 30), quotes[0].Timestamp);
        Assert.Equal(Instant.FromUtc(2026, 5, 4, 13, 30) + Duration.FromMilliseconds(250), quotes[1].Timestamp);
        Assert.Equal(new LocalDate(2026, 12, 18), quotes[0].ExpirationDate);
        Assert.Equal([OptionType.Call, OptionType.Put], quotes.Select(q => q.OptionType));

        var ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp\nAAPL,2026-05-04T13:30:00\n"));
        Assert.Equal("row 1 (line 2): timestamp '2026-05-04T13:30:00' has no UTC offset; write it as 2026-05-04T13:30:00Z or with +hh:mm", ex.Message);
    }

    [Fact]
    public async Task Unparsable_values_name_row_line_column_and_value()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() =>
            ReadAsync<StockPrice>("symbol,timestamp,close_price\nAAPL,2026-05-04T13:30:00Z,10\nAAPL,2026-05-04T13:31:00Z,abc\n"));
        Assert.Equal("row 2 (line 3): close_price 'abc' is not a number", ex.Message);

        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp,volume\nAAPL,2026-05-04T13:30:00Z,1.5\n"));
        Assert.Equal("row 1 (line 2): volume '1.5' is not a whole number", ex.Message);

        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<TradingSignal>("symbol,signal_type,confidence,timestamp\nAAPL,STRONG_BUY,0.5,2026-05-04T13:30:00Z\n"));
        Assert.Equal("row 1 (line 2): signal_type 'STRONG_BUY' is not one of BUY, SELL, HOLD", ex.Message);

        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp\n,2026-05-04T13:30:00Z\n"));
        Assert.Equal("row 1 (line 2): symbol is missing", ex.Message);

        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp\nAAPL,2026-05-04T13:30:00Z,9\n"));
        Assert.Equal("row 1 (line 2): the record has 3 fields; the header has 2", ex.Message);
    }

    [Fact]
    public async Task The_header_must_name_known_columns_once_and_every_required_one()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp,close\nAAPL,2026-05-04T13:30:00Z,1\n"));
        Assert.Equal(
            "line 1: unknown column 'close' in the header; trading.stock_prices has symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap, market_cap, shares_outstanding (and id, created_at, updated_at, which are ignored).",
            ex.Message);

        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp,Symbol\n"));
        Assert.Equal("line 1: column 'symbol' appears twice in the header.", ex.Message);

        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<OptionQuote>("option_symbol,timestamp,bid_price\n"));
        Assert.Equal("line 1: the header lacks underlying_symbol, expiration_date, strike_price, option_type, which trading.options_data requires.", ex.Message);

        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>(string.Empty));
        Assert.StartsWith("The input is empty; expected a header row naming columns of trading.stock_prices", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_assigned_columns_are_ignored_and_defaults_fill_optional_ones()
    {
        var metrics = await ReadAsync<PerformanceMetric>("id,metric_name,metric_value,timestamp,created_at\n17,pnl,12.5,2026-05-04T13:30:00Z,2026-05-04T13:31:00Z\n");

        var metric = Assert.Single(metrics);
        Assert.Equal((null as long?, "pnl", 12.5, MetricPeriod.Day, "{}"), (metric.Id, metric.MetricName, metric.MetricValue, metric.Period, metric.Tags));
        Assert.Null(metric.CreatedAt);
    }

    [Fact]
    public async Task A_quote_left_open_is_reported_with_its_line()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp\n\"AAPL,2026-05-04T13:30:00Z\n"));
        Assert.Equal("row 1 (line 2): a quoted field is not closed before the end of the input", ex.Message);
        ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,timestamp\nAA\"PL,2026-05-04T13:30:00Z\n"));
        Assert.Equal("row 1 (line 2): a double quote inside an unquoted field; quote the whole field and double the quote", ex.Message);
    }
}
