using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary><c>trading.screen</c>, <c>Queries.Screen</c> and <c>trading-timescale screen</c> against the single-symbol indicator functions.</summary>
public sealed class ScreenTests(TimescaleServerFixture server) : QueryTest(server)
{
    private const double Tolerance = 1e-9;

    private static readonly Instant AsOf = At("2026-03-10T16:03:00Z");

    // Each symbol takes a different path through the screen: a full warm-up in the first range read, fewer bars than the
    // warm-up in all its history, too few for any indicator, bars only days before (read further back), a gap that leaves
    // the first range short, a bar without high and low inside the ATR's warm-up, and only a bar that has not ended yet.
    private static readonly string[] Symbols = ["LONG", "SHORT", "TINY", "STALE", "GAPPY", "NORANGE"];

    private static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume)
            SELECT s.symbol, s.last_bar - n * INTERVAL '5 minutes', p, p + 0.1 + (n % 5) * 0.03, p - 0.12 - (n % 3) * 0.02, p + ((n * 13) % 7 - 3) * 0.011,
                   1000 + (n * 37 + s.seed) % 500
            FROM (VALUES ('LONG', TIMESTAMPTZ '2026-03-10 15:55:00+00', 700, 1), ('SHORT', '2026-03-10 15:55:00+00', 120, 2),
                         ('TINY', '2026-03-10 15:55:00+00', 10, 3), ('STALE', '2026-03-05 11:55:00+00', 500, 4),
                         ('GAPPY', '2026-03-10 15:55:00+00', 200, 5), ('GAPPY', '2026-03-08 09:55:00+00', 300, 6),
                         ('NORANGE', '2026-03-10 15:55:00+00', 450, 7)) AS s(symbol, last_bar, bars, seed)
            CROSS JOIN generate_series(0, s.bars - 1) AS n
            CROSS JOIN LATERAL (SELECT round((40 + s.seed * 10 + 3 * sin((n + s.seed * 31) / 17.0) + ((n * 7) % 11) * 0.07)::numeric, 4) AS p) AS price;
            -- Within the ATR's warm-up: the RSI and averages use this bar, the ATR skips it.
            UPDATE trading.stock_prices SET high_price = NULL, low_price = NULL WHERE symbol = 'NORANGE' AND timestamp = '2026-03-10 10:00:00+00';
            -- Bars that have not ended at the screen's instant (16:03): the 16:00 bucket, and a symbol with nothing else.
            INSERT INTO trading.stock_prices (symbol, timestamp, high_price, low_price, close_price, volume) VALUES
                ('LONG', '2026-03-10 16:02:00+00', 500, 1, 250, 99999), ('FUTURE', '2026-03-10 16:01:00+00', 11, 9, 10, 5);
            """);
        if (Edition == TimescaleEdition.Community)
        {
            // Materialize all but the last hours, so the screen reads the materialized aggregate and real-time rows.
            await ExecuteAsync("CALL trading.refresh_aggregates('2026-02-01', '2026-03-10 12:00:00+00')");
        }
    }

    [Theory]
    [InlineData("5 minutes")]
    [InlineData("15m")]
    [InlineData("1h")]
    public async Task Every_value_equals_the_single_symbol_functions_for_the_same_bar(string interval)
    {
        var rows = await ScreenAsync($"SELECT * FROM trading.screen('{interval}', '2026-03-10 16:03:00+00', '{{{string.Join(',', Symbols)},FUTURE,NOPE}}')");

        Assert.Equal(Symbols.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        var problems = new List<string>();
        foreach (var symbol in Symbols)
        {
            problems.AddRange(await CompareAsync(symbol, interval, rows[symbol]));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        // The paths were taken: a null warm-up, bars days back, and the ATR of a symbol with a bar lacking a range.
        Assert.Null(rows["TINY"].Rsi14);
        Assert.Equal(interval != "1h", rows["SHORT"].Rsi14 is not null);
        Assert.True(rows["STALE"].Timestamp < At("2026-03-06T00:00:00Z"));
        Assert.NotNull(rows["NORANGE"].Atr14);
        Assert.NotNull(rows["LONG"].Rsi14);
    }

    [Fact]
    public async Task Every_symbol_covers_those_with_a_recent_bar_and_those_the_latest_prices_know()
    {
        var before = await ScreenAsync("SELECT * FROM trading.screen('5m', '2026-03-10 16:03:00+00')");
        await Trading.Ingest.RebuildLatestAsync(cancellationToken: Ct);
        var after = await ScreenAsync("SELECT * FROM trading.screen('5m', '2026-03-10 16:03:00+00')");

        // STALE's last bar is five days old: outside the 388 bars read first, so only the latest prices name it.
        Assert.Equal(["GAPPY", "LONG", "NORANGE", "SHORT", "TINY"], before.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["GAPPY", "LONG", "NORANGE", "SHORT", "STALE", "TINY"], after.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(before["LONG"], after["LONG"]);
    }

    [Fact]
    public async Task The_builder_filters_orders_and_limits_what_the_function_returns()
    {
        var all = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).ToListAsync(Ct);
        var named = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).ForSymbols("LONG", "STALE", "NOPE").ToListAsync(Ct);
        var lowRsi = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).RsiBelow(50).ToListAsync(Ct);
        var highRsi = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).RsiAbove(50).ToListAsync(Ct);
        var above = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).AboveUpperBand().ToListAsync(Ct);
        var below = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).BelowLowerBand().ToListAsync(Ct);
        var top = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).OrderBy(ScreenOrder.Rsi14, SortDirection.Descending).Take(2).ToListAsync(Ct);
        var busy = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).RelativeVolumeAtLeast(1).ToListAsync(Ct);
        var sql = Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).RsiBelow(30).AboveUpperBand().Take(5).ToSql();

        Assert.Equal(["GAPPY", "LONG", "NORANGE", "SHORT", "TINY"], all.Select(r => r.Symbol));
        Assert.Equal(["LONG", "STALE"], named.Select(r => r.Symbol));
        Assert.Equal(all.Where(r => r.Rsi14 < 50).Select(r => r.Symbol), lowRsi.Select(r => r.Symbol));
        Assert.Equal(all.Where(r => r.Rsi14 > 50).Select(r => r.Symbol), highRsi.Select(r => r.Symbol));
        Assert.NotEmpty(lowRsi.Concat(highRsi));
        Assert.Equal(all.Where(r => r.PercentB > 1).Select(r => r.Symbol), above.Select(r => r.Symbol));
        Assert.Equal(all.Where(r => r.PercentB < 0).Select(r => r.Symbol), below.Select(r => r.Symbol));
        Assert.Equal(all.Where(r => r.Rsi14 is not null).OrderByDescending(r => r.Rsi14).Take(2).Select(r => r.Symbol), top.Select(r => r.Symbol));
        Assert.Equal(all.Where(r => r.RelativeVolume >= 1).Select(r => r.Symbol), busy.Select(r => r.Symbol));
        Assert.Equal(AsOf, all.Single(r => r.Symbol == "LONG").Timestamp + Duration.FromMinutes(8));
        Assert.Contains("FROM trading.screen($1, $2, NULL::text[])", sql.Sql, StringComparison.Ordinal);
        Assert.Contains("\"rsi14\" < $3", sql.Sql, StringComparison.Ordinal);
        Assert.Contains("\"percent_b\" > 1", sql.Sql, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Queries.Screen(BarInterval.FiveMinutes).RsiBelow(101));
    }

    [Fact]
    public async Task The_screen_command_prints_one_json_object_per_symbol_with_the_documented_keys()
    {
        var json = await CliRunner.RunAsync(["screen", "--interval", "5m", "--as-of", "2026-03-10T16:03:00Z", "--json", "-c", Database.ConnectionString]);
        var oversold = await CliRunner.RunAsync(["screen", "--interval", "5m", "--as-of", "2026-03-10T11:03:00-05:00", "--rsi-below", "50", "--json", "-c", Database.ConnectionString]);
        var table = await CliRunner.RunAsync(["screen", "--interval", "5m", "--as-of", "2026-03-10T16:03:00Z", "--rsi-above", "0", "-c", Database.ConnectionString]);
        var refused = await CliRunner.RunAsync(["screen", "--interval", "5m", "--rsi-below", "130", "-c", Database.ConnectionString]);
        var expected = await Queries.Screen(BarInterval.FiveMinutes).AsOf(AsOf).ToListAsync(Ct);

        Assert.Equal((0, string.Empty), (json.ExitCode, json.Error));
        using var document = JsonDocument.Parse(json.Output);
        var objects = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(expected.Select(r => r.Symbol), objects.Select(o => o.GetProperty("symbol").GetString()));
        Assert.All(objects, o => Assert.Equal(
            ["symbol", "timestamp", "close", "rsi14", "sma20", "sma50", "percentB", "bandwidth", "atr14", "relativeVolume"],
            o.EnumerateObject().Select(p => p.Name)));
        var longRow = expected.Single(r => r.Symbol == "LONG");
        var longJson = objects.Single(o => o.GetProperty("symbol").GetString() == "LONG");
        Assert.Equal("2026-03-10T15:55:00Z", longJson.GetProperty("timestamp").GetString());
        Assert.Equal(longRow.Close, longJson.GetProperty("close").GetDecimal());
        Assert.Equal(longRow.Rsi14, longJson.GetProperty("rsi14").GetDouble());
        Assert.Equal(longRow.PercentB, longJson.GetProperty("percentB").GetDouble());
        Assert.Equal(JsonValueKind.Null, objects.Single(o => o.GetProperty("symbol").GetString() == "TINY").GetProperty("rsi14").ValueKind);

        Assert.Equal(0, oversold.ExitCode);
        using var oversoldDocument = JsonDocument.Parse(oversold.Output);
        Assert.All(oversoldDocument.RootElement.EnumerateArray(), o => Assert.True(o.GetProperty("rsi14").GetDouble() < 50));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("RSI14", table.Output, StringComparison.Ordinal);
        Assert.Contains("4 symbol(s) on 5 minutes bars.", table.Output, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--rsi-below 130 is not an RSI", refused.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5 minutes")]
    [InlineData("15m")]
    public async Task The_screen_state_gives_the_functions_values_before_and_after_late_corrections(string interval)
    {
        await ExecuteAsync($"CALL trading.refresh_screen_state(ARRAY['{interval}'])");
        var fresh = await ScreenAsync($"SELECT * FROM trading.screen('{interval}', '2026-03-10 16:03:00+00', '{{{string.Join(',', Symbols)}}}')");

        // LONG's row is its state row (computed by the refresh); NORANGE has no state where one of its bars lacks a
        // range (5 minutes; its 15-minute bar takes the range of the other rows).
        Assert.Equal(fresh["LONG"].Rsi14, await StateRsiAsync("LONG", interval, fresh["LONG"].Timestamp));
        Assert.Equal(interval == "15m", await StateRsiAsync("NORANGE", interval, fresh["NORANGE"].Timestamp) is not null);
        await AssertEqualToFunctionsAsync(fresh, interval);

        // Late corrections of old bars: a row written into LONG's past, an update of SHORT, a delete in GAPPY.
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, high_price, low_price, close_price, volume)
                VALUES ('LONG', '2026-03-10 13:01:30+00', 90, 10, 75.5, 7000);
            UPDATE trading.stock_prices SET close_price = close_price + 3.25 WHERE symbol = 'SHORT' AND timestamp = '2026-03-10 14:00:00+00';
            DELETE FROM trading.stock_prices WHERE symbol = 'GAPPY' AND timestamp = '2026-03-10 15:00:00+00';
            """);
        Assert.Equal(["GAPPY", "LONG", "SHORT"], await ChangedSymbolsAsync(interval));
        if (Edition == TimescaleEdition.Community)
        {
            // As a refresh job would: the aggregates change, the state does not.
            await ExecuteAsync("CALL refresh_continuous_aggregate('trading.stock_prices_1m', NULL, NULL)");
            await ExecuteAsync("CALL refresh_continuous_aggregate('trading.stock_prices_5m', NULL, NULL)");
        }

        var corrected = await ScreenAsync($"SELECT * FROM trading.screen('{interval}', '2026-03-10 16:03:00+00', '{{{string.Join(',', Symbols)}}}')");
        Assert.NotEqual(fresh["LONG"].Rsi14, corrected["LONG"].Rsi14);
        Assert.NotEqual(fresh["SHORT"].Rsi14, corrected["SHORT"].Rsi14);
        Assert.NotEqual(fresh["GAPPY"].Atr14, corrected["GAPPY"].Atr14);
        Assert.Equal(fresh["TINY"], corrected["TINY"]);
        await AssertEqualToFunctionsAsync(corrected, interval);

        // The next refresh recomputes the changed symbols from their change and consumes the changes.
        await ExecuteAsync("CALL trading.refresh_screen_state()");
        var refreshed = await ScreenAsync($"SELECT * FROM trading.screen('{interval}', '2026-03-10 16:03:00+00', '{{{string.Join(',', Symbols)}}}')");
        Assert.Empty(await ChangedSymbolsAsync(interval));
        Assert.Equal(refreshed["LONG"].Rsi14, await StateRsiAsync("LONG", interval, refreshed["LONG"].Timestamp));
        Assert.Equal(refreshed["SHORT"].Rsi14, await StateRsiAsync("SHORT", interval, refreshed["SHORT"].Timestamp));
        await AssertEqualToFunctionsAsync(refreshed, interval);
        foreach (var symbol in Symbols)
        {
            Assert.Equal(corrected[symbol].Timestamp, refreshed[symbol].Timestamp);
            Assert.Equal(corrected[symbol].Rsi14 ?? 0, refreshed[symbol].Rsi14 ?? 0, Tolerance);
        }
    }

    [Fact]
    public async Task The_screen_state_changes_only_when_refreshed_and_symbols_without_it_are_computed()
    {
        await ExecuteAsync("CALL trading.refresh_screen_state(ARRAY['5 minutes'])");
        var horizon = await ScalarAsync<Instant>("SELECT horizon FROM trading.screen_state_widths WHERE width = trading.parse_bar_interval($2) AND $1 IS NOT NULL", "5m");

        // New bars after the refresh, a symbol the refresh never saw, and a screen older than LONG's kept state.
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, high_price, low_price, close_price, volume)
            SELECT 'LATE', TIMESTAMPTZ '2026-03-10 15:55:00+00' - n * INTERVAL '5 minutes', 31 + n % 3, 29 - n % 2, 30 + (n % 7) * 0.1, 100 + n
            FROM generate_series(0, 59) AS n
            UNION ALL SELECT 'LONG', '2026-03-10 16:07:00+00', 80, 20, 60.25, 4321;
            """);
        if (Edition == TimescaleEdition.Community)
        {
            // As a refresh job would, so the aggregate shows the new rows.
            await ExecuteAsync("CALL refresh_continuous_aggregate('trading.stock_prices_1m', NULL, NULL)");
            await ExecuteAsync("CALL refresh_continuous_aggregate('trading.stock_prices_5m', NULL, NULL)");
        }

        var rows = await ScreenAsync("SELECT * FROM trading.screen('5m', '2026-03-10 16:13:00+00', '{LONG,LATE,SHORT}')");
        var old = await ScreenAsync("SELECT * FROM trading.screen('5m', '2026-03-08 10:03:00+00', '{LONG}')");

        // No job or trigger moved the state: the horizon and LONG's newest state row are those of the refresh.
        Assert.Equal(horizon, await ScalarAsync<Instant>("SELECT horizon FROM trading.screen_state_widths WHERE width = trading.parse_bar_interval($2) AND $1 IS NOT NULL", "5m"));
        Assert.Null(await StateRsiAsync("LONG", "5m", At("2026-03-10T16:05:00Z")));
        Assert.Null(await StateRsiAsync("LATE", "5m", At("2026-03-10T15:55:00Z")));
        Assert.Equal(At("2026-03-10T16:05:00Z"), rows["LONG"].Timestamp);
        Assert.Equal(60.25m, rows["LONG"].Close);
        Assert.Equal(At("2026-03-10T15:55:00Z"), rows["LATE"].Timestamp);
        Assert.Empty(await CompareAsync("LONG", "5m", rows["LONG"], At("2026-03-10T16:13:00Z")));
        Assert.Empty(await CompareAsync("LATE", "5m", rows["LATE"], At("2026-03-10T16:13:00Z")));
        Assert.Empty(await CompareAsync("SHORT", "5m", rows["SHORT"], At("2026-03-10T16:13:00Z")));
        Assert.Empty(await CompareAsync("LONG", "5m", old["LONG"], At("2026-03-08T10:03:00Z")));

        await ExecuteAsync("CALL trading.refresh_screen_state()");
        Assert.Equal(rows["LONG"].Rsi14 ?? 0, await StateRsiAsync("LONG", "5m", At("2026-03-10T16:05:00Z")) ?? -1, Tolerance);
        Assert.Equal(rows["LATE"].Rsi14 ?? 0, await StateRsiAsync("LATE", "5m", At("2026-03-10T15:55:00Z")) ?? -1, Tolerance);
    }

    [Theory]
    [InlineData("SELECT * FROM trading.screen('banana')", "p_interval 'banana' is not an interval")]
    [InlineData("SELECT * FROM trading.screen('5m', NULL)", "p_as_of must be a finite instant, got NULL")]
    [InlineData("SELECT * FROM trading.screen('5m', 'infinity')", "p_as_of must be a finite instant, got infinity")]
    public async Task Bad_arguments_are_refused_by_name(string sql, string message)
    {
        await using var command = DataSource.CreateCommand(sql);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Ct));
        Assert.Contains(message, error.MessageText, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, ScreenRow>> ScreenAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new Dictionary<string, ScreenRow>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Ct))
        {
            double? Double(string column) => reader[column] is double d ? d : null;
            var row = new ScreenRow(reader.GetString(0), reader.GetFieldValue<Instant>(1), reader.GetDecimal(2),
                reader["change"] as decimal?, Double("change_percent"), Double("rsi14"), Double("sma20"), Double("sma50"),
                Double("percent_b"), Double("bandwidth"), Double("atr14"), reader["volume"] as long?, Double("relative_volume"));
            Assert.True(rows.TryAdd(row.Symbol, row), $"{row.Symbol} twice");
        }

        return rows;
    }

    private async Task AssertEqualToFunctionsAsync(Dictionary<string, ScreenRow> rows, string interval)
    {
        var problems = new List<string>();
        foreach (var symbol in Symbols)
        {
            problems.AddRange(await CompareAsync(symbol, interval, rows[symbol]));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    // The RSI of a symbol's state row for one bar (NULL when the state has no row for it).
    private async Task<double?> StateRsiAsync(string symbol, string interval, Instant bar)
    {
        await using var command = DataSource.CreateCommand(
            "SELECT rsi14 FROM trading.screen_states WHERE width = trading.parse_bar_interval($2) AND symbol = $1 AND bucket = $3");
        command.Parameters.AddWithValue(symbol);
        command.Parameters.AddWithValue(interval);
        command.Parameters.AddWithValue(bar);
        return await command.ExecuteScalarAsync(Ct) is double value ? value : null;
    }

    private async Task<List<string>> ChangedSymbolsAsync(string interval)
    {
        await using var command = DataSource.CreateCommand(
            "SELECT symbol FROM trading.screen_state_symbols WHERE width = trading.parse_bar_interval($1) AND changed_from IS NOT NULL ORDER BY symbol");
        command.Parameters.AddWithValue(interval);
        var symbols = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            symbols.Add(reader.GetString(0));
        }

        return symbols;
    }

    // The expected row from the single-symbol functions and trading.bars, for the bar the screen names; the last
    // complete bar is checked against trading.bars too.
    private async Task<List<string>> CompareAsync(string symbol, string interval, ScreenRow row, Instant? asOf = null)
    {
        var problems = new List<string>();
        var cutoff = await ScalarAsync<Instant>("SELECT time_bucket(trading.parse_bar_interval($2), $1::timestamptz)", interval, asOf);
        var bars = new List<(Instant Bucket, decimal Close, long Volume)>();
        await using (var command = DataSource.CreateCommand("SELECT bucket, close, volume FROM trading.bars($1, $2, NULL, $3) ORDER BY bucket"))
        {
            command.Parameters.AddWithValue(symbol);
            command.Parameters.AddWithValue(interval);
            command.Parameters.AddWithValue(cutoff);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                bars.Add((reader.GetFieldValue<Instant>(0), reader.GetDecimal(1), reader.GetInt64(2)));
            }
        }

        var last = bars[^1];
        var previous = bars.Count > 1 ? bars[^2] : default;
        var twenty = bars.TakeLast(20).ToList();
        var rsi = await IndicatorAsync("SELECT rsi FROM trading.calculate_rsi($1, 14, $2, $3, $4) WHERE \"timestamp\" = $3", symbol, interval, last.Bucket, cutoff);
        var sma20 = await IndicatorAsync("SELECT moving_average FROM trading.calculate_moving_average($1, 20, $2, $3, $4) WHERE \"timestamp\" = $3", symbol, interval, last.Bucket, cutoff);
        var sma50 = await IndicatorAsync("SELECT moving_average FROM trading.calculate_moving_average($1, 50, $2, $3, $4) WHERE \"timestamp\" = $3", symbol, interval, last.Bucket, cutoff);
        var upper = await IndicatorAsync("SELECT upper_band FROM trading.calculate_bollinger_bands($1, 20, 2, $2, $3, $4) WHERE \"timestamp\" = $3", symbol, interval, last.Bucket, cutoff);
        var lower = await IndicatorAsync("SELECT lower_band FROM trading.calculate_bollinger_bands($1, 20, 2, $2, $3, $4) WHERE \"timestamp\" = $3", symbol, interval, last.Bucket, cutoff);
        var atr = await IndicatorAsync("SELECT atr FROM trading.calculate_atr($1, 14, $2, $3, $4) WHERE \"timestamp\" = $3", symbol, interval, last.Bucket, cutoff);

        void Check(string name, double? expected, double? actual)
        {
            if (expected is null != actual is null || (expected is { } e && actual is { } a && Math.Abs(e - a) > Tolerance))
            {
                problems.Add($"{symbol} {interval} {name}: screen {actual?.ToString("R", CultureInfo.InvariantCulture) ?? "NULL"}, function {expected?.ToString("R", CultureInfo.InvariantCulture) ?? "NULL"}");
            }
        }

        if ((row.Timestamp, row.Close, row.Volume) != (last.Bucket, last.Close, last.Volume))
        {
            problems.Add($"{symbol} {interval}: screen bar {row.Timestamp} {row.Close} {row.Volume}, last complete bar {last.Bucket} {last.Close} {last.Volume}");
        }

        if (row.Change != (bars.Count > 1 ? last.Close - previous.Close : null))
        {
            problems.Add($"{symbol} {interval} change: screen {row.Change}, bars {last.Close - previous.Close}");
        }

        Check("rsi14", rsi, row.Rsi14);
        Check("sma20", sma20, row.Sma20);
        Check("sma50", sma50, row.Sma50);
        var middle = sma20;
        Check("percentB", upper is { } u && lower is { } l && u > l ? ((double)last.Close - l) / (u - l) : null, row.PercentB);
        Check("bandwidth", upper is { } u2 && lower is { } l2 && middle is { } m && m != 0 ? (u2 - l2) / m : null, row.Bandwidth);
        Check("atr14", atr, row.Atr14);
        Check("relativeVolume", twenty.Count == 20 ? last.Volume / twenty.Average(b => (double)b.Volume) : null, row.RelativeVolume);
        Check("changePercent", bars.Count > 1 ? (double)((last.Close - previous.Close) / previous.Close * 100) : null, row.ChangePercent);
        return problems;
    }

    private async Task<double?> IndicatorAsync(string sql, string symbol, string interval, Instant bar, Instant cutoff)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(symbol);
        command.Parameters.AddWithValue(interval);
        command.Parameters.AddWithValue(bar);
        command.Parameters.AddWithValue(cutoff);
        return await command.ExecuteScalarAsync(Ct) is double value ? value : null;
    }

    private async Task<T> ScalarAsync<T>(string sql, string interval, Instant? asOf = null)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(asOf ?? AsOf);
        command.Parameters.AddWithValue(interval);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
