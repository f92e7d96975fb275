using System.Text;
using NodaTime;
using Npgsql;
using Trading.Timescale.Queries;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Queries;

/// <summary>The SQL and parameters of every builder, snapshotted: a change to what runs shows up in review.</summary>
public sealed class QuerySqlSnapshotTests : IDisposable
{
    private static readonly Instant From = Instant.FromUtc(2026, 3, 2, 14, 30);
    private static readonly Instant To = Instant.FromUtc(2026, 3, 3, 21, 0);
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create("Host=localhost;Database=trading_db");

    private TradingQueries Queries => new(_dataSource);

    public void Dispose() => _dataSource.Dispose();

    [Fact]
    public void Bar_queries_match_the_approved_sql()
    {
        ApprovedFile.Verify(Render(
            ("5m bars of one symbol in a range (aggregate)", Queries.Bars("AAPL", BarInterval.FiveMinutes).Between(From, To)),
            ("1d bars of two symbols, newest 10 (aggregate)", Queries.Bars(BarInterval.OneDay).ForSymbols("AAPL", "MSFT").OrderBy(SortDirection.Descending).Take(10)),
            ("15m bars (raw rows)", Queries.Bars("AAPL", BarInterval.Parse("15m")).Between(From, To)),
            ("1 week bars (raw rows, exchange time zone)", Queries.Bars("AAPL", BarInterval.Parse("1w")).Between(From, null)),
            ("every symbol, 1h, unbounded", Queries.Bars(BarInterval.OneHour)),
            ("5m bars with empty gaps (community)", Queries.Bars("AAPL", BarInterval.FiveMinutes).Between(From, To).FillGaps()),
            ("4h bars carried forward (community, raw rows)", Queries.Bars("AAPL", BarInterval.Parse("4h")).Between(From, To).FillGaps(BarGapFill.CarryForward)),
            ("latest prices as of, every symbol", Queries.LatestPrices(To)),
            ("latest prices as of, two symbols within 7 days", Queries.LatestPrices(To).ForSymbols("AAPL", "MSFT").Within(Duration.FromDays(7)))),
            "bars");
    }

    [Fact]
    public void Indicator_queries_match_the_approved_sql()
    {
        var interval = BarInterval.FiveMinutes;
        ApprovedFile.Verify(Render(
            ("rsi", Queries.Rsi("AAPL", interval)),
            ("rsi in a range", Queries.Rsi("AAPL", interval, 21).Between(From, To)),
            ("bollinger", Queries.BollingerBands("AAPL", interval, 20, 2.5m)),
            ("sma", Queries.MovingAverage("AAPL", interval, 50)),
            ("ema", Queries.Ema("AAPL", interval, 20)),
            ("macd", Queries.Macd("AAPL", interval)),
            ("atr", Queries.Atr("AAPL", BarInterval.Parse("'15 minutes'"))),
            ("vwap", Queries.Vwap("AAPL", interval).Between(From, null)),
            ("stochastic", Queries.Stochastic("AAPL", interval, 14, 3))),
            "indicators");
    }

    [Fact]
    public void Options_queries_match_the_approved_sql()
    {
        var expiration = new LocalDate(2026, 6, 19);
        ApprovedFile.Verify(Render(
            ("chain, newest quotes", Queries.OptionChain("AAPL")),
            ("chain as of, expiring in a range, strike window, calls", Queries.OptionChain("AAPL").AsOf(To).Expiring(expiration, expiration.PlusDays(30)).Strikes(180m, 220m).OfType(OptionType.Call)),
            ("chain within one day of the newest quote", Queries.OptionChain("AAPL").Within(Duration.FromDays(1))),
            ("most active", Queries.MostActiveContracts("AAPL", 5).AsOf(To).Within(Duration.FromHours(6))),
            ("put/call ratio", Queries.PutCallRatio("AAPL").AsOf(To)),
            ("smile", Queries.VolatilitySmile("AAPL", expiration).AsOf(To)),
            ("term structure", Queries.VolatilityTermStructure("AAPL").AsOf(To))),
            "options");
    }

    [Fact]
    public void Signal_queries_match_the_approved_sql()
    {
        var filtered = Queries.Signals().ForSymbols("AAPL", "MSFT").OfType(SignalType.Buy, SignalType.Sell).MinimumConfidence(0.8m)
            .Between(From, To).ModelVersion("v2");
        ApprovedFile.Verify(Render(
            ("every signal", Queries.Signals()),
            ("filtered, oldest first, 100", filtered.OrderBy(SortDirection.Ascending).Take(100)),
            ("performance by symbol over a range", Queries.Signals().Between(From, To).PerformanceBySymbol()),
            ("outcomes after 4 hours", filtered.Outcomes(Duration.FromHours(4)))),
            "signals");
    }

    [Fact]
    public void Builders_are_immutable()
    {
        var bars = Queries.Bars("AAPL", BarInterval.FiveMinutes);
        var before = bars.ToSql().ToString();
        var ranged = bars.Between(From, To).OrderBy(SortDirection.Descending).Take(5);
        var chain = Queries.OptionChain("AAPL");
        var chainSql = chain.ToSql().ToString();
        _ = chain.AsOf(To).OfType(OptionType.Put);
        var signals = Queries.Signals();
        var signalSql = signals.ToSql().ToString();
        _ = signals.MinimumConfidence(0.9m).Take(3);

        Assert.Equal(before, bars.ToSql().ToString());
        Assert.NotEqual(before, ranged.ToSql().ToString());
        Assert.Equal(chainSql, chain.ToSql().ToString());
        Assert.Equal(signalSql, signals.ToSql().ToString());
    }

    [Fact]
    public void Every_value_is_a_parameter()
    {
        var sql = Queries.Signals().ForSymbols("O'Brien").ModelVersion("x'; DROP TABLE trading.signals; --").ToSql();

        Assert.DoesNotContain("O'Brien", sql.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("DROP", sql.Sql, StringComparison.Ordinal);
        Assert.Equal(["O'Brien", "x'; DROP TABLE trading.signals; --"], sql.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void Filling_gaps_without_both_ends_of_a_range_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Queries.Bars("AAPL", BarInterval.FiveMinutes).Between(From, null).FillGaps().ToSql());
        Assert.Contains("Between(from, to)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_name_the_argument()
    {
        Assert.Equal("period", Assert.Throws<ArgumentOutOfRangeException>(() => Queries.Rsi("AAPL", BarInterval.FiveMinutes, 0)).ParamName);
        Assert.Equal("slowPeriod", Assert.Throws<ArgumentOutOfRangeException>(() => Queries.Macd("AAPL", BarInterval.FiveMinutes, 12, -1)).ParamName);
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => Queries.Bars("AAPL", default)).ParamName);
        Assert.Equal("to", Assert.Throws<ArgumentException>(() => Queries.Bars("AAPL", BarInterval.OneHour).Between(To, From)).ParamName);
        Assert.Equal("confidence", Assert.Throws<ArgumentOutOfRangeException>(() => Queries.Signals().MinimumConfidence(1.5m)).ParamName);
        Assert.Equal("max", Assert.Throws<ArgumentException>(() => Queries.OptionChain("AAPL").Strikes(200m, 100m)).ParamName);
        Assert.Equal("horizon", Assert.Throws<ArgumentOutOfRangeException>(() => Queries.Signals().Outcomes(Duration.Zero)).ParamName);
    }

    private static string Render(params (string Title, object Query)[] queries)
    {
        var text = new StringBuilder();
        foreach (var (title, query) in queries)
        {
            text.Append("== ").Append(title).Append('\n').Append(query).Append("\n\n");
        }

        return text.ToString();
    }
}
