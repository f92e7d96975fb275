using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Queries;

public sealed class BarQueryTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    /// <summary>
    /// One-minute rows of symbol DST, America/New_York: a gap on Friday 2026-03-06 (14:35 to 14:44 UTC empty), then rows
    /// around the DST change (Sunday 2026-03-08 02:00 EST -> 03:00 EDT) and the exchange-day boundary (23:59 / 00:00 EDT).
    /// </summary>
    private Task LoadDstAsync() => ExecuteAsync("""
        INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap) VALUES
        ('DST', '2026-03-06T14:30:00Z', 10.00, 10.50, 9.90, 10.20, 100, 10.10),
        ('DST', '2026-03-06T14:31:00Z', 10.20, 10.60, 10.10, 10.40, 200, 10.30),
        ('DST', '2026-03-06T14:32:00Z', 10.40, 10.45, 10.00, 10.05, 300, 10.20),
        ('DST', '2026-03-06T14:33:00Z', 10.05, 10.30, 10.01, 10.25, 100, 10.15),
        ('DST', '2026-03-06T14:34:00Z', 10.25, 10.28, 10.02, 10.10, 300, 10.12),
        ('DST', '2026-03-06T14:45:00Z', 11.00, 11.20, 10.90, 11.10, 500, 11.05),
        ('DST', '2026-03-06T14:49:00Z', 11.10, 11.30, 11.00, 11.25, 500, 11.20),
        ('DST', '2026-03-08T06:30:00Z', 12.00, 12.10, 11.90, 12.05, 10, 12.00),
        ('DST', '2026-03-08T07:30:00Z', 12.05, 12.50, 12.00, 12.40, 20, 12.30),
        ('DST', '2026-03-09T03:59:00Z', 12.40, 12.45, 12.35, 12.42, 30, 12.40),
        ('DST', '2026-03-09T04:00:00Z', 13.00, 13.10, 12.90, 13.05, 40, 13.00),
        ('DST', '2026-03-09T13:30:00Z', 13.05, 13.60, 13.00, 13.50, 60, 13.40)
        """);

    [Theory]
    [InlineData("1m")]
    [InlineData("5m")]
    [InlineData("15m")]
    [InlineData("1h")]
    [InlineData("4h")]
    [InlineData("1d")]
    public async Task The_builder_and_the_sql_bars_function_give_the_same_bars(string width)
    {
        await LoadDstAsync();
        var (from, to) = (At("2026-03-06T00:00:00Z"), At("2026-03-10T00:00:00Z"));

        var built = await Queries.Bars("DST", BarInterval.Parse(width)).Between(from, to).ToListAsync(Ct);
        var fromSql = new List<Bar>();
        await using (var command = DataSource.CreateCommand("SELECT bucket, symbol, open, high, low, close, volume, vwap FROM trading.bars('DST', $1, $2, $3) ORDER BY bucket"))
        {
            command.Parameters.AddWithValue(width);
            command.Parameters.AddWithValue(from);
            command.Parameters.AddWithValue(to);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                fromSql.Add(new Bar(reader.GetFieldValue<Instant>(0), reader.GetString(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4),
                    reader.GetDecimal(5), reader.GetInt64(6), reader.GetDecimal(7)));
            }
        }

        Assert.NotEmpty(fromSql);
        Assert.Equal(fromSql, built.OrderBy(b => b.Bucket));
    }

    [Fact]
    public async Task Five_minute_bars_skip_the_gap_and_keep_the_range_half_open()
    {
        await LoadDstAsync();

        var bars = await Queries.Bars("DST", BarInterval.FiveMinutes).Between(At("2026-03-06T14:30:00Z"), At("2026-03-06T15:00:00Z")).ToListAsync(Ct);
        var tail = await Queries.Bars("DST", BarInterval.FiveMinutes).Between(At("2026-03-06T14:35:00Z"), At("2026-03-06T14:45:00Z")).ToListAsync(Ct);

        Assert.Equal([At("2026-03-06T14:30:00Z"), At("2026-03-06T14:45:00Z")], bars.Select(b => b.Bucket));
        // By hand: first open, max high, min low, last close, summed volume, sum(vwap*volume)/sum(volume).
        Assert.Equal(new Bar(At("2026-03-06T14:30:00Z"), "DST", 10.00m, 10.60m, 9.90m, 10.10m, 1000, 10.181m), bars[0] with { Vwap = Math.Round(bars[0].Vwap!.Value, 6) });
        Assert.Equal(new Bar(At("2026-03-06T14:45:00Z"), "DST", 11.00m, 11.30m, 10.90m, 11.25m, 1000, 11.125m), bars[1] with { Vwap = Math.Round(bars[1].Vwap!.Value, 6) });
        Assert.Empty(tail);
    }

    [Fact]
    public async Task Daily_bars_follow_the_exchange_day_across_the_dst_change()
    {
        await LoadDstAsync();

        var days = await Queries.Bars("DST", BarInterval.OneDay).Between(At("2026-03-06T00:00:00Z"), At("2026-03-10T00:00:00Z")).ToListAsync(Ct);

        // New York midnight: 05:00 UTC under EST (until Sunday 02:00), 04:00 UTC under EDT from Monday.
        Assert.Equal([At("2026-03-06T05:00:00Z"), At("2026-03-08T05:00:00Z"), At("2026-03-09T04:00:00Z")], days.Select(d => d.Bucket));
        var sunday = days[1];
        Assert.Equal((12.00m, 12.50m, 11.90m, 12.42m, 60L), (sunday.Open!.Value, sunday.High!.Value, sunday.Low!.Value, sunday.Close!.Value, sunday.Volume!.Value));
        var monday = days[2];
        Assert.Equal((13.00m, 13.60m, 12.90m, 13.50m, 100L), (monday.Open!.Value, monday.High!.Value, monday.Low!.Value, monday.Close!.Value, monday.Volume!.Value));
        Assert.Equal(2000L, days[0].Volume);
    }

    [Fact]
    public async Task Four_hour_bars_are_bucketed_from_raw_rows_in_utc()
    {
        await LoadDstAsync();

        var query = Queries.Bars("DST", BarInterval.Parse("4h")).Between(At("2026-03-08T04:00:00Z"), At("2026-03-09T12:00:00Z"));
        var bars = await query.ToListAsync(Ct);

        Assert.Null(query.Source);
        Assert.Equal([At("2026-03-08T04:00:00Z"), At("2026-03-09T00:00:00Z"), At("2026-03-09T04:00:00Z")], bars.Select(b => b.Bucket));
        Assert.Equal((12.00m, 12.40m, 30L), (bars[0].Open!.Value, bars[0].Close!.Value, bars[0].Volume!.Value));
        Assert.Equal(12.42m, bars[1].Close);
        // The 12:00 bucket holds the 13:30 row but starts at the range's end: excluded.
        Assert.Equal(13.05m, Assert.Single(bars, b => b.Bucket == At("2026-03-09T04:00:00Z")).Close);
    }

    [Fact]
    public async Task Several_symbols_newest_first_with_a_limit()
    {
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES
            ('AAA', '2026-03-02T15:00:00Z', 1, 1), ('AAA', '2026-03-02T15:05:00Z', 2, 1), ('AAA', '2026-03-02T15:10:00Z', 3, 1),
            ('BBB', '2026-03-02T15:05:00Z', 4, 1), ('BBB', '2026-03-02T15:10:00Z', 5, 1), ('CCC', '2026-03-02T15:10:00Z', 6, 1)
            """);

        var bars = await Queries.Bars(BarInterval.FiveMinutes).ForSymbols("BBB", "AAA").OrderBy(SortDirection.Descending).Take(3).ToListAsync(Ct);
        var streamed = new List<Bar>();
        await foreach (var bar in Queries.Bars(BarInterval.FiveMinutes).WithCancellation(Ct))
        {
            streamed.Add(bar);
        }

        Assert.Equal([("AAA", 3m), ("BBB", 5m), ("AAA", 2m)], bars.Select(b => (b.Symbol, b.Close!.Value)));
        Assert.Equal(6, streamed.Count);
        Assert.Equal(streamed.OrderBy(b => b.Bucket).ThenBy(b => b.Symbol, StringComparer.Ordinal), streamed);
    }

    [Fact]
    public async Task Bars_of_15_minutes_and_1_day_match_the_reference_fixture()
    {
        var fixture = IndicatorFixture.Instance;
        await fixture.LoadAsync(DataSource, Ct);

        foreach (var (name, interval) in new[] { ("FIX bars 15 minutes", "15m"), ("FIX bars 1 day", "1d") })
        {
            var expected = fixture.Case(name).GetProperty("rows").EnumerateArray().ToList();
            var bars = await Queries.Bars("FIX", BarInterval.Parse(interval)).ToListAsync(Ct);

            Assert.Equal(expected.Count, bars.Count);
            for (var i = 0; i < bars.Count; i++)
            {
                var row = expected[i].EnumerateArray().ToList();
                Assert.Equal(At(row[0].GetString()!), bars[i].Bucket);
                Assert.Equal([Dec(row[2]), Dec(row[3]), Dec(row[4]), Dec(row[5])], new[] { bars[i].Open, bars[i].High, bars[i].Low, bars[i].Close });
                Assert.Equal(row[6].GetInt64(), bars[i].Volume);
                Assert.True(fixture.Near((double)bars[i].Vwap!.Value, row[7].GetDouble()), $"{name} row {i} vwap {bars[i].Vwap}");
            }
        }
    }

    [Fact]
    public async Task Gap_filling_returns_every_bucket_on_community_and_a_clear_refusal_on_apache()
    {
        await LoadDstAsync();
        var query = Queries.Bars("DST", BarInterval.FiveMinutes).Between(At("2026-03-06T14:30:00Z"), At("2026-03-06T14:50:00Z"));

        if (Edition == TimescaleEdition.Apache)
        {
            var error = await Assert.ThrowsAsync<TradingQueryException>(() => query.FillGaps().ToListAsync(Ct));
            Assert.Contains("time_bucket_gapfill", error.Message, StringComparison.Ordinal);
            Assert.Contains("apache", error.Message, StringComparison.Ordinal);
            return;
        }

        var empty = await query.FillGaps().ToListAsync(Ct);
        var carried = await query.FillGaps(BarGapFill.CarryForward).ToListAsync(Ct);

        Assert.Equal(["14:30", "14:35", "14:40", "14:45"], empty.Select(b => b.Bucket.ToString("HH:mm", CultureInfo.InvariantCulture)));
        Assert.Equal((null, 0L), (empty[1].Close, empty[1].Volume!.Value));
        Assert.Equal((10.10m, 10.10m, 0L), (carried[2].Open!.Value, carried[2].Close!.Value, carried[2].Volume!.Value));
        Assert.Equal(11.25m, carried[3].Close);
    }

    private static decimal? Dec(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : decimal.Parse(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText(), CultureInfo.InvariantCulture);
}
