using NodaTime;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>The trading.* indicator functions against the shared reference fixture, on the installed schema.</summary>
public sealed class IndicatorFunctionTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static readonly IndicatorFixture Fixture = IndicatorFixture.Instance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Database.InstallSchemaAsync(cancellationToken: Ct);
        await Fixture.LoadAsync(DataSource, Ct);
    }

    [Fact]
    public async Task Every_fixture_case_matches_the_reference_values()
    {
        var problems = new List<string>();
        var cases = 0;
        foreach (var testCase in Fixture.Cases)
        {
            problems.AddRange(await Fixture.CompareAsync(DataSource, testCase, Ct));
            cases++;
        }

        Assert.True(cases >= 50, $"only {cases} cases in the fixture");
        Assert.True(problems.Count == 0, $"{problems.Count} differences:\n{string.Join('\n', problems.Take(40))}");
    }

    [Fact]
    public async Task A_flat_series_gives_rsi_100_bands_on_the_middle_and_stochastic_0()
    {
        var rsi = await RowsAsync("SELECT rsi FROM trading.calculate_rsi('FLAT', 14, '5 minutes')");
        Assert.Equal(40, rsi.Count);
        Assert.All(rsi.Take(14), r => Assert.Null(r[0]));
        Assert.All(rsi.Skip(14), r => Assert.Equal(100d, r[0]));

        var bands = await RowsAsync("SELECT middle_band, upper_band, lower_band FROM trading.calculate_bollinger_bands('FLAT', 20, 2.0, '5 minutes')");
        Assert.All(bands.Take(19), r => Assert.Equal(new object?[] { null, null, null }, r));
        Assert.All(bands.Skip(19), r => Assert.Equal(new object?[] { 100d, 100d, 100d }, r));

        var stochastic = await RowsAsync("SELECT percent_k, percent_d FROM trading.calculate_stochastic('FLAT', 14, 3, '5 minutes')");
        Assert.All(stochastic.Skip(15), r => Assert.Equal(new object?[] { 0d, 0d }, r));
    }

    [Fact]
    public async Task Fewer_bars_than_the_period_give_only_nulls()
    {
        foreach (var sql in new[]
                 {
                     "SELECT rsi FROM trading.calculate_rsi('FEW', 14, '5 minutes')",
                     "SELECT moving_average FROM trading.calculate_moving_average('FEW', 50, '5 minutes')",
                     "SELECT upper_band FROM trading.calculate_bollinger_bands('FEW', 20, 2.0, '5 minutes')",
                     "SELECT ema FROM trading.calculate_ema('FEW', 20, '5 minutes')",
                     "SELECT macd FROM trading.calculate_macd('FEW', '5 minutes')",
                     "SELECT atr FROM trading.calculate_atr('FEW', 14, '5 minutes')",
                     "SELECT percent_k FROM trading.calculate_stochastic('FEW', 14, 3, '5 minutes')",
                 })
        {
            var rows = await RowsAsync(sql);
            Assert.Equal(10, rows.Count);
            Assert.All(rows, r => Assert.Null(r[0]));
        }
    }

    [Theory]
    [InlineData("SELECT * FROM trading.calculate_rsi('FIX', 0, '5 minutes')", "p_period must be > 0, got 0")]
    [InlineData("SELECT * FROM trading.calculate_rsi('FIX', 14, 'banana')", "p_interval 'banana' is not an interval")]
    [InlineData("SELECT * FROM trading.calculate_rsi('FIX', 14, '-5 minutes')", "p_interval must be a positive interval")]
    [InlineData("SELECT * FROM trading.calculate_moving_average('FIX', -3, '5 minutes')", "p_period must be > 0, got -3")]
    [InlineData("SELECT * FROM trading.calculate_bollinger_bands('FIX', 20, -1.5, '5 minutes')", "p_stddev_multiplier must be >= 0, got -1.5")]
    [InlineData("SELECT * FROM trading.calculate_bollinger_bands('FIX', 0, 2.0, '5 minutes')", "p_period must be > 0, got 0")]
    [InlineData("SELECT * FROM trading.calculate_ema('FIX', NULL, '5 minutes')", "p_period must be > 0, got NULL")]
    [InlineData("SELECT * FROM trading.calculate_macd('FIX', 26, 12, 9, '5 minutes')", "p_fast_period must be less than p_slow_period")]
    [InlineData("SELECT * FROM trading.calculate_macd('FIX', 12, 26, 0, '5 minutes')", "p_signal_period must be > 0, got 0")]
    [InlineData("SELECT * FROM trading.calculate_atr('FIX', 14, '')", "p_interval '' is not an interval")]
    [InlineData("SELECT * FROM trading.calculate_stochastic('FIX', 14, 0, '5 minutes')", "p_d_period must be > 0, got 0")]
    [InlineData("SELECT * FROM trading.calculate_vwap('FIX', '1 month 3 days')", "p_interval '1 month 3 days' mixes months with days or hours")]
    [InlineData("SELECT * FROM trading.bars('FIX', 'banana')", "p_interval 'banana' is not an interval")]
    public async Task Bad_arguments_raise_an_error_naming_the_argument(string sql, string message)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => RowsAsync(sql));
        Assert.Equal("22023", error.SqlState);
        Assert.StartsWith(message, error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_symbol_returns_no_rows()
    {
        foreach (var call in new[]
                 {
                     "trading.calculate_rsi('NOPE', 14, '5 minutes')", "trading.calculate_moving_average('NOPE', 50, '15m')",
                     "trading.calculate_bollinger_bands('NOPE', 20, 2.0, '5 minutes')", "trading.calculate_ema('NOPE', 20, '1h')",
                     "trading.calculate_macd('NOPE', '5 minutes', '2026-03-10', '2026-03-11')", "trading.calculate_atr('NOPE', 14, '1 day')",
                     "trading.calculate_vwap('NOPE', '5 minutes')", "trading.calculate_stochastic('NOPE', 14, 3, '4 hours')",
                     "trading.bars('NOPE', '1m')",
                 })
        {
            Assert.Empty(await RowsAsync($"SELECT * FROM {call}"));
        }
    }

    [Fact]
    public async Task Interval_text_takes_short_forms_and_postgres_intervals()
    {
        var parsed = await RowsAsync("""
            SELECT trading.parse_bar_interval('5m')::text, trading.parse_bar_interval('15m')::text, trading.parse_bar_interval('1h')::text,
                   trading.parse_bar_interval('4h')::text, trading.parse_bar_interval('1d')::text,
                   trading.parse_bar_interval('5 minutes')::text, trading.parse_bar_interval(' 4 hours ')::text
            """);
        Assert.Equal(new object?[] { "00:05:00", "00:15:00", "01:00:00", "04:00:00", "1 day", "00:05:00", "04:00:00" }, parsed[0]);
        Assert.Equal(
            await RowsAsync("SELECT * FROM trading.calculate_rsi('FIX', 14, '5 minutes')"),
            await RowsAsync("SELECT * FROM trading.calculate_rsi('FIX', 14, '5m')"));
    }

    [Fact]
    public async Task A_non_aggregate_interval_buckets_the_raw_rows_like_the_aggregates()
    {
        // 5 minutes read stock_prices_5m; 300 seconds is the same interval, so the same aggregate; 150 seconds
        // buckets the raw rows, and two of its bars make one 5-minute bar.
        var fromAggregate = await RowsAsync("SELECT bucket, open, high, low, close, volume FROM trading.bars('FIX', '5 minutes')");
        var fromRaw = await RowsAsync("""
            SELECT time_bucket(INTERVAL '5 minutes', bucket), first(open, bucket), max(high), min(low), last(close, bucket), sum(volume)::bigint
            FROM trading.bars('FIX', '150 seconds') GROUP BY 1 ORDER BY 1
            """);
        Assert.Equal(930, fromAggregate.Count);
        Assert.Equal(fromAggregate, fromRaw);
    }

    [Fact]
    public async Task The_spec_technical_analysis_queries_run_verbatim_with_data()
    {
        await using (var load = DataSource.CreateCommand("""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
            SELECT 'AAPL', t, p, p + 0.3, p - 0.3, p + 0.1, 1000 + n % 37, p
            FROM generate_series(0, 2 * 24 * 60) AS n
            CROSS JOIN LATERAL (SELECT date_trunc('minute', NOW()) - n * INTERVAL '1 minute' AS t) AS at
            CROSS JOIN LATERAL (SELECT round((190 + 4 * sin(n / 45.0) + (n % 7) * 0.05)::numeric, 4) AS p) AS price
            """))
        {
            await load.ExecuteNonQueryAsync(Ct);
        }

        var rsi = await RowsAsync("""
            -- Calculate RSI for AAPL
            SELECT * FROM trading.calculate_rsi('AAPL', 14, '5 minutes')
            WHERE timestamp >= NOW() - INTERVAL '1 day'
            ORDER BY timestamp DESC;
            """);
        var bands = await RowsAsync("""
            -- Get Bollinger Bands
            SELECT * FROM trading.calculate_bollinger_bands('AAPL', 20, 2.0, '5 minutes')
            WHERE timestamp >= NOW() - INTERVAL '1 day'
            ORDER BY timestamp DESC;
            """);
        var averages = await RowsAsync("""
            -- Moving averages
            SELECT * FROM trading.calculate_moving_average('AAPL', 50, '5 minutes')
            WHERE timestamp >= NOW() - INTERVAL '1 day'
            ORDER BY timestamp DESC;
            """);

        // Independently: the 5-minute closes and the indicators computed here.
        var bars = await RowsAsync("SELECT bucket, close FROM trading.stock_prices_5m WHERE symbol = 'AAPL' ORDER BY bucket");
        var closes = bars.Select(b => (double)(decimal)b[1]!).ToArray();
        var index = bars.Select((b, i) => (Bucket: (Instant)b[0]!, i)).ToDictionary(x => x.Bucket, x => x.i);
        var cutoff = (Instant)(await RowsAsync("SELECT NOW() - INTERVAL '1 day'"))[0][0]!;
        var expectedCount = bars.Count(b => (Instant)b[0]! >= cutoff);
        Assert.InRange(expectedCount, 287, 289);
        var reference = ReferenceRsi(closes, 14);

        foreach (var result in new[] { rsi, bands, averages })
        {
            Assert.Equal(expectedCount, result.Count);
            Assert.True((Instant)result[0][0]! > (Instant)result[^1][0]!, "newest first");
        }

        Assert.All(rsi, r => Assert.True(Fixture.Near((double)r[2]!, reference[index[(Instant)r[0]!]]), $"RSI at {r[0]}: {r[2]}"));
        Assert.All(averages, r =>
        {
            var i = index[(Instant)r[0]!];
            Assert.True(Fixture.Near((double)r[2]!, closes[(i - 49)..(i + 1)].Average()), $"SMA at {r[0]}: {r[2]}");
        });
        Assert.All(bands, r =>
        {
            var window = closes[(index[(Instant)r[0]!] - 19)..(index[(Instant)r[0]!] + 1)];
            var mean = window.Average();
            var deviation = Math.Sqrt(window.Sum(c => (c - mean) * (c - mean)) / window.Length);
            Assert.True(Fixture.Near((double)r[2]!, mean) && Fixture.Near((double)r[3]!, mean + 2 * deviation)
                && Fixture.Near((double)r[4]!, mean - 2 * deviation), $"bands at {r[0]}");
        });
    }

    /// <summary>Wilder's RSI, written out here as a second reference for the NOW()-relative data.</summary>
    private static double[] ReferenceRsi(double[] closes, int period)
    {
        var result = new double[closes.Length];
        double gains = 0, losses = 0;
        for (var i = 1; i < closes.Length; i++)
        {
            var change = closes[i] - closes[i - 1];
            var gain = Math.Max(change, 0);
            var loss = Math.Max(-change, 0);
            if (i <= period)
            {
                gains += gain / period;
                losses += loss / period;
            }
            else
            {
                gains = ((gains * (period - 1)) + gain) / period;
                losses = ((losses * (period - 1)) + loss) / period;
            }

            result[i] = i < period ? double.NaN : losses == 0 ? 100 : 100 * gains / (gains + losses);
        }

        return result;
    }
}
