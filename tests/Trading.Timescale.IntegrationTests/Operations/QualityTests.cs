using System.Text.Json;
using NodaTime;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

public sealed class QualityTests(Infrastructure.TimescaleServerFixture server) : OperationsTest(server)
{
    // Monday 2026-11-16: the regular session 09:30-16:00 America/New_York is 14:30-21:00 UTC.
    private static readonly Instant AsOf = Instant.FromUtc(2026, 11, 16, 21, 30);

    /// <summary>Clean minute bars over the whole session for each symbol, close drifting slowly.</summary>
    private static string Bars(params string[] symbols) => $"""
        INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume)
        SELECT s, timestamptz '2026-11-16 14:30:00+00' + m * INTERVAL '1 minute', 100 + m * 0.01, 101 + m * 0.01, 99 + m * 0.01, 100 + m * 0.01, 1000
        FROM unnest(ARRAY[{string.Join(", ", symbols.Select(s => $"'{s}'"))}]) AS s, generate_series(0, 389) AS m;
        """;

    /// <summary>Ten sane quotes for an underlying.</summary>
    private static string Quotes(string underlying) => $"""
        INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type,
                                          bid_price, ask_price, volume, open_interest, implied_volatility)
        SELECT '{underlying}', '{underlying}261218C' || (100 + k), timestamptz '2026-11-16 15:00:00+00', DATE '2026-12-18', 100 + k, 'CALL',
               1.00 + k * 0.1, 1.05 + k * 0.1, 10, 100, 0.30
        FROM generate_series(0, 9) AS k;
        """;

    private static DataQualityOptions Options => new() { AsOf = AsOf };

    [Fact]
    public async Task Clean_data_passes_every_check_and_is_recorded()
    {
        await ExecuteAsync(Bars("AAPL", "MSFT") + Quotes("AAPL"));

        var report = await Trading.Operations.CheckQualityAsync(Options, Ct);

        Assert.Empty(report.Problems);
        Assert.Equal(10, report.Checks.Count);
        Assert.All(report.Checks, c => Assert.Equal(DataQualityStatus.Pass, c.Status));
        Assert.All(report.Checks, c => Assert.Null(c.Symbol));
        Assert.Equal(10L, await ScalarAsync<long>("SELECT count(*) FROM trading.data_quality WHERE status = 'PASS' AND symbol IS NULL AND timestamp = $1", AsOf));

        await Trading.Operations.CheckQualityAsync(Options, Ct); // the same moment again replaces its rows
        Assert.Equal(10L, await ScalarAsync<long>("SELECT count(*) FROM trading.data_quality"));
    }

    [Fact]
    public async Task Every_planted_problem_is_found_and_nothing_else()
    {
        await ExecuteAsync(Bars("CLEAN", "GAPPY", "STALE", "SPIKE", "NEGVOL", "HUGEVOL") + Quotes("CLEAN") + Quotes("XQ") + Quotes("LQ") + Quotes("IVQ") + Quotes("NVQ") + Quotes("AVQ") + """
            DELETE FROM trading.stock_prices WHERE symbol = 'GAPPY' AND timestamp >= '2026-11-16 16:00:00+00' AND timestamp < '2026-11-16 16:21:00+00';
            DELETE FROM trading.stock_prices WHERE symbol = 'STALE' AND timestamp >= '2026-11-16 20:30:00+00';
            UPDATE trading.stock_prices SET close_price = close_price * 2, high_price = close_price * 2 WHERE symbol = 'SPIKE' AND timestamp = '2026-11-16 17:00:00+00';
            UPDATE trading.stock_prices SET volume = -5 WHERE symbol = 'NEGVOL' AND timestamp = '2026-11-16 17:00:00+00';
            UPDATE trading.stock_prices SET volume = 9000000000 WHERE symbol = 'HUGEVOL' AND timestamp = '2026-11-16 17:00:00+00';
            UPDATE trading.options_data SET bid_price = 2.00, ask_price = 1.50 WHERE option_symbol = 'XQ261218C103';
            UPDATE trading.options_data SET bid_price = 1.00, ask_price = 1.00 WHERE option_symbol = 'LQ261218C104';
            UPDATE trading.options_data SET implied_volatility = 7.5 WHERE option_symbol = 'IVQ261218C105';
            UPDATE trading.options_data SET implied_volatility = 0 WHERE option_symbol = 'IVQ261218C106';
            UPDATE trading.options_data SET volume = -1 WHERE option_symbol = 'NVQ261218C107';
            UPDATE trading.options_data SET volume = 20000000 WHERE option_symbol = 'AVQ261218C108';
            """);

        var report = await Trading.Operations.CheckQualityAsync(Options, Ct);

        var found = report.Problems.Select(p => $"{p.CheckName}/{p.TableName}/{p.Symbol}/{p.Status}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "absurd_volume/options_data/AVQ/Fail",
            "absurd_volume/stock_prices/HUGEVOL/Fail",
            "bar_gap/stock_prices/GAPPY/Fail",
            "bar_gap/stock_prices/STALE/Fail",
            "crossed_quote/options_data/XQ/Fail",
            "implied_volatility_range/options_data/IVQ/Fail",
            "locked_quote/options_data/LQ/Warn",
            "negative_volume/options_data/NVQ/Fail",
            "negative_volume/stock_prices/NEGVOL/Fail",
            "price_outlier/stock_prices/SPIKE/Fail",
            "stale_symbol/stock_prices/STALE/Warn",
        ], found);

        var gap = report.Problems.Single(p => p.Symbol == "GAPPY");
        Assert.Equal(22, gap.MeasuredValue!.Value, 6); // 10:59 to 11:21 New York time
        using (var details = JsonDocument.Parse(gap.Details!))
        {
            Assert.Equal(1, details.RootElement.GetProperty("problems").GetInt32());
        }

        Assert.Equal(31, report.Problems.Single(p => p.CheckName == "bar_gap" && p.Symbol == "STALE").MeasuredValue!.Value, 6); // last bar 15:29, close 16:00
        Assert.Equal(31, report.Problems.Single(p => p.CheckName == "stale_symbol").MeasuredValue!.Value, 6);
        Assert.Equal(2, JsonDocument.Parse(report.Problems.Single(p => p.CheckName == "price_outlier").Details!).RootElement.GetProperty("problems").GetInt32());
        Assert.Equal(7.5, report.Problems.Single(p => p.CheckName == "implied_volatility_range").MeasuredValue);
        Assert.Equal(2, JsonDocument.Parse(report.Problems.Single(p => p.CheckName == "implied_volatility_range").Details!).RootElement.GetProperty("problems").GetInt32());
        Assert.Equal(DataQualityStatus.Fail, report.Checks.Single(c => c.CheckName == "crossed_quote" && c.Symbol is null).Status);
        var gapSummary = report.Checks.Single(c => c.CheckName == "bar_gap" && c.Symbol is null);
        Assert.Equal(DataQualityStatus.Fail, gapSummary.Status);
        Assert.Equal(2, gapSummary.MeasuredValue);
        Assert.Equal(found.Count + 10, await ScalarAsync<long>("SELECT count(*) FROM trading.data_quality WHERE timestamp = $1", AsOf));
        Assert.Equal("FAIL", await ScalarAsync<string>("SELECT status FROM trading.data_quality WHERE check_name = 'crossed_quote' AND symbol = 'XQ'"));
    }

    [Fact]
    public async Task Gaps_follow_the_exchange_calendar()
    {
        // Saturday bars, a holiday and an early close are outside the session; the real session is complete.
        await ExecuteAsync(Bars("AAPL") + """
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume)
            VALUES ('AAPL', '2026-11-14 15:00:00+00', 100, 1), ('AAPL', '2026-11-14 18:00:00+00', 100, 1),
                   ('HOL', '2026-11-16 15:00:00+00', 100, 1), ('EARLY', '2026-11-16 14:30:00+00', 100, 1);
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume)
            SELECT 'EARLY', timestamptz '2026-11-16 14:30:00+00' + m * INTERVAL '1 minute', 100, 1 FROM generate_series(1, 209) AS m;
            """);
        var strict = await Trading.Operations.CheckQualityAsync(new DataQualityOptions { AsOf = AsOf, Window = Duration.FromDays(3), Record = false }, Ct);
        var calendar = await Trading.Operations.CheckQualityAsync(new DataQualityOptions
        {
            AsOf = AsOf, Window = Duration.FromDays(3), Record = false,
            Holidays = [new LocalDate(2026, 11, 16)],
        }, Ct);
        var early = await Trading.Operations.CheckQualityAsync(new DataQualityOptions
        {
            AsOf = AsOf, Window = Duration.FromDays(3), Record = false,
            EarlyCloses = new Dictionary<LocalDate, LocalTime> { [new LocalDate(2026, 11, 16)] = new LocalTime(13, 0) },
        }, Ct);

        Assert.Equal(["EARLY", "HOL"], strict.Problems.Where(p => p.CheckName == "bar_gap").Select(p => p.Symbol).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(calendar.Problems, p => p.CheckName == "bar_gap");
        Assert.Equal(["HOL"], early.Problems.Where(p => p.CheckName == "bar_gap").Select(p => p.Symbol));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.data_quality"));
    }

    [Fact]
    public async Task Bad_options_are_refused_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => Trading.Operations.CheckQualityAsync(new DataQualityOptions { MaxImpliedVolatility = -1 }, Ct));

        Assert.Contains("DataQualityOptions.MinImpliedVolatility = 0 must be below MaxImpliedVolatility (-1)", error.Message, StringComparison.Ordinal);
    }
}
