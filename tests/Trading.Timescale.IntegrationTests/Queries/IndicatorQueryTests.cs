using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>The typed indicator builders against the reference fixture (values from tests/fixtures/indicators).</summary>
public sealed class IndicatorQueryTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static readonly IndicatorFixture Fixture = IndicatorFixture.Instance;
    private static readonly Instant RangeFrom = InstantPattern.ExtendedIso.Parse("2026-03-16T14:02:00Z").Value;
    private static readonly Instant RangeTo = InstantPattern.ExtendedIso.Parse("2026-03-17T17:00:00Z").Value;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Fixture.LoadAsync(DataSource, Ct);
    }

    [Theory]
    [InlineData("FIX", "5m", "")]
    [InlineData("FIX", "15 minutes", "")]
    [InlineData("FIX", "5m", " from 2026-03-16T14:02:00Z to 2026-03-17T17:00:00Z")]
    [InlineData("FLAT", "5m", "")]
    [InlineData("FEW", "5m", "")]
    public async Task Every_builder_returns_the_reference_values(string symbol, string intervalText, string range)
    {
        var interval = BarInterval.Parse(intervalText);
        var minutes = interval.ToString();
        var ranged = range.Length > 0;
        (Instant? From, Instant? To) between = ranged ? (RangeFrom, RangeTo) : (null, null);
        var problems = new List<string>();

        await Check($"{symbol} rsi 14 {minutes}{range}", Queries.Rsi(symbol, interval).Between(between.From, between.To), p => [p.Timestamp, p.ClosePrice, p.Rsi]);
        await Check($"{symbol} bollinger 20 2.0 {minutes}{range}", Queries.BollingerBands(symbol, interval).Between(between.From, between.To),
            p => [p.Timestamp, p.ClosePrice, p.MiddleBand, p.UpperBand, p.LowerBand]);
        await Check($"{symbol} sma 50 {minutes}{range}", Queries.MovingAverage(symbol, interval, 50).Between(between.From, between.To), p => [p.Timestamp, p.ClosePrice, p.MovingAverage]);
        await Check($"{symbol} ema 20 {minutes}{range}", Queries.Ema(symbol, interval, 20).Between(between.From, between.To), p => [p.Timestamp, p.ClosePrice, p.Ema]);
        await Check($"{symbol} macd 12 26 9 {minutes}{range}", Queries.Macd(symbol, interval).Between(between.From, between.To), p => [p.Timestamp, p.ClosePrice, p.Macd, p.Signal, p.Histogram]);
        await Check($"{symbol} atr 14 {minutes}{range}", Queries.Atr(symbol, interval).Between(between.From, between.To),
            p => [p.Timestamp, p.HighPrice, p.LowPrice, p.ClosePrice, p.TrueRange, p.Atr]);
        await Check($"{symbol} stochastic 14 3 {minutes}{range}", Queries.Stochastic(symbol, interval).Between(between.From, between.To),
            p => [p.Timestamp, p.ClosePrice, p.PercentK, p.PercentD]);
        await Check($"{symbol} vwap {minutes}{range}", Queries.Vwap(symbol, interval).Between(between.From, between.To), p => [p.Timestamp, p.ClosePrice, p.Volume, p.Vwap]);

        Assert.True(problems.Count == 0, string.Join('\n', problems.Take(30)));

        async Task Check<TPoint>(string name, IndicatorQuery<TPoint> query, Func<TPoint, object?[]> values)
        {
            var expected = Fixture.Case(name).GetProperty("rows").EnumerateArray().ToList();
            var points = new List<TPoint>();
            await foreach (var point in query.AsAsyncEnumerable(Ct))
            {
                points.Add(point);
            }

            if (points.Count != expected.Count)
            {
                problems.Add($"{name}: {points.Count} points, expected {expected.Count}");
                return;
            }

            for (var i = 0; i < points.Count; i++)
            {
                var actual = values(points[i]);
                var row = expected[i].EnumerateArray().ToList();
                for (var c = 0; c < actual.Length; c++)
                {
                    if (!Same(actual[c], row[c]))
                    {
                        problems.Add($"{name}: row {i} column {c} expected {row[c].GetRawText()}, got {actual[c]}");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task Unknown_symbols_return_no_points_and_bad_arguments_fail_before_sending()
    {
        Assert.Empty(await Queries.Rsi("NOPE", BarInterval.FiveMinutes).ToListAsync(Ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => Queries.Stochastic("FIX", BarInterval.FiveMinutes, 14, 0));
    }

    private static bool Same(object? actual, JsonElement expected) => (actual, expected.ValueKind) switch
    {
        (null, JsonValueKind.Null) => true,
        (null, _) or (_, JsonValueKind.Null) => false,
        (Instant instant, _) => instant == InstantPattern.ExtendedIso.Parse(expected.GetString()!).Value,
        (decimal d, _) => d == decimal.Parse(expected.ValueKind == JsonValueKind.String ? expected.GetString()! : expected.GetRawText(), CultureInfo.InvariantCulture),
        (long l, _) => l == expected.GetInt64(),
        (double d, _) => Fixture.Near(d, expected.GetDouble()),
        _ => false,
    };
}
