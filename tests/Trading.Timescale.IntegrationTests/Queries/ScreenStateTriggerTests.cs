using NodaTime;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Live;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>
/// What the screen state's insert triggers record: appends after the horizon record nothing, rows before it record each
/// symbol's earliest timestamp, whether the library's binary COPY, psql <c>\copy</c> or SQL wrote them.
/// </summary>
public sealed class ScreenStateTriggerTests(TimescaleServerFixture server) : QueryTest(server)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, high_price, low_price, close_price, volume)
            SELECT s.symbol, TIMESTAMPTZ '2026-03-10 15:55:00+00' - n * INTERVAL '5 minutes', 41, 39, 40 + (n % 5) * 0.1, 1000 + n
            FROM (VALUES ('AAA'), ('BBB'), ('CCC')) AS s(symbol) CROSS JOIN generate_series(0, 99) AS n;
            """);
        await ExecuteAsync("CALL trading.refresh_screen_state(ARRAY['5 minutes'])");
    }

    [Fact]
    public async Task Appends_after_the_horizon_record_nothing_and_late_rows_record_each_symbols_earliest_timestamp()
    {
        var horizon = (Instant)(await RowsAsync("SELECT watched_to FROM trading.screen_state_widths WHERE width = '5 minutes'"))[0][0]!;
        Assert.Empty(await ChangesAsync());

        // The library's binary COPY of rows from the horizon on: nothing to record, as for a live feed.
        await Trading.Ingest.AppendAsync(Rows(["AAA", "BBB"], horizon, 0, 1, 2, 3), cancellationToken: Ct);
        Assert.Empty(await ChangesAsync());

        // One COPY with late rows of two symbols (and a row after the horizon): each symbol's earliest late row.
        var late = Instant.FromUtc(2026, 3, 9, 10, 0);
        await Trading.Ingest.AppendAsync([.. Rows(["AAA"], late, 60, 0, 30), .. Rows(["BBB"], late, 5), .. Rows(["CCC"], horizon, 10)], cancellationToken: Ct);
        Assert.Equal(
            [("AAA", late), ("BBB", late + Duration.FromMinutes(5))],
            await ChangesAsync());

        // psql \copy and one transaction of two statements: the earlier row lowers the record, the later one leaves it.
        await LiveFeed.CopyWithPsqlAsync(Database.ConnectionString, Rows(["CCC"], late, 120, 7), Ct);
        await ExecuteAsync("""
            BEGIN;
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('AAA', '2026-03-09 09:30:00+00', 40);
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('AAA', '2026-03-09 11:05:00+00', 40);
            COMMIT;
            """);
        Assert.Equal(
            [("AAA", late - Duration.FromMinutes(30)), ("BBB", late + Duration.FromMinutes(5)), ("CCC", late + Duration.FromMinutes(7))],
            await ChangesAsync());

        // The next refresh consumes them; an append after the new horizon again records nothing.
        await ExecuteAsync("CALL trading.refresh_screen_state()");
        Assert.Empty(await ChangesAsync());
        await Trading.Ingest.AppendAsync(Rows(["CCC"], horizon, 20), cancellationToken: Ct);
        Assert.Empty(await ChangesAsync());
    }

    [Fact]
    public async Task A_repeatable_read_writer_records_every_row_as_it_may_have_missed_a_refresh()
    {
        var horizon = (Instant)(await RowsAsync("SELECT watched_to FROM trading.screen_state_widths WHERE width = '5 minutes'"))[0][0]!;
        await ExecuteAsync($"""
            BEGIN ISOLATION LEVEL REPEATABLE READ;
            INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('RRR', '{LiveFeed.Iso(horizon + Duration.FromHours(1))}', 40);
            COMMIT;
            """);
        Assert.Contains(("RRR", horizon + Duration.FromHours(1)), await ChangesAsync());
        await ExecuteAsync("CALL trading.refresh_screen_state()");
    }

    /// <summary>One row per symbol at <paramref name="start"/> plus each of <paramref name="minutes"/>.</summary>
    private static List<StockPrice> Rows(string[] symbols, Instant start, params int[] minutes) =>
        [.. from minute in minutes
            from symbol in symbols
            select new StockPrice
            {
                Symbol = symbol,
                Timestamp = start + Duration.FromMinutes(minute),
                OpenPrice = 40m,
                HighPrice = 41m,
                LowPrice = 39m,
                ClosePrice = 40.5m,
                Volume = 1000,
            }];

    private async Task<List<(string Symbol, Instant ChangedFrom)>> ChangesAsync() =>
        [.. (await RowsAsync("""
            SELECT symbol, changed_from FROM trading.screen_state_symbols
            WHERE width = '5 minutes' AND changed_from IS NOT NULL ORDER BY symbol
            """)).Select(r => ((string)r[0]!, (Instant)r[1]!))];
}
