using System.Globalization;
using NodaTime;
using Npgsql;
using Trading.Timescale.Export;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Export;

/// <summary>Table and feature-set exports read back by DuckDB and compared with the same data read in SQL.</summary>
public sealed class ExportTests(TimescaleServerFixture server) : ExportTest(server)
{
    private static readonly Instant From = Instant.FromUtc(2026, 11, 30, 0, 0);
    private static readonly Instant To = Instant.FromUtc(2026, 12, 2, 0, 0);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // Two symbols, one-minute rows over two sessions; AAA's first row of each quarter hour has no open (so bars have null opens).
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, "timestamp", open_price, high_price, low_price, close_price, volume, vwap)
            SELECT s.symbol, t,
                   CASE WHEN s.symbol = 'AAA' AND extract(minute FROM t)::int % 15 = 0 THEN NULL ELSE x.p END,
                   x.p + 0.5, x.p - 0.5, x.p + 0.1, 1000 + (extract(epoch FROM t)::bigint / 60) % 97, x.p + 0.05
            FROM unnest(ARRAY['AAA', 'BBB']) AS s(symbol),
                 generate_series('2026-11-30 14:30Z'::timestamptz, '2026-12-01 20:59Z', INTERVAL '1 minute') AS t,
                 LATERAL (SELECT round((100 + 10 * sin(extract(epoch FROM t) / 3000.0) + CASE WHEN s.symbol = 'BBB' THEN 50 ELSE 0 END)::numeric, 4) AS p) AS x
            WHERE extract(hour FROM t) BETWEEN 14 AND 20
            """);
        await RefreshBarsAsync();
    }

    [Fact]
    public async Task Bars_every_file_matches_sql_in_rows_sums_and_nulls_with_typed_schema()
    {
        var output = NewOutput("bars");
        var result = await Trading.Export().TableAsync(
            new TableExport { Table = ExportTable.Bars, From = From, To = To, Interval = TimescaleInterval.FromMinutes(15), Output = output, RowGroupSize = 50 },
            cancellationToken: Ct);

        Assert.Equal(["date=2026-11-30/part-0.parquet", "date=2026-12-01/part-0.parquet"], result.Files.Select(f => f.Path).ToArray());
        CheckManifest(output);
        foreach (var day in new[] { "2026-11-30", "2026-12-01" })
        {
            var file = Path.Combine(output, $"date={day}", "part-0.parquet");
            var duck = Duck($"""
                SELECT count(*), sum(close)::VARCHAR, sum(high)::VARCHAR, sum(volume)::BIGINT, count(*) FILTER (WHERE open IS NULL), count(*) FILTER (WHERE vwap IS NULL)
                FROM read_parquet('{file}')
                """)[0];
            var sql = (await RowsAsync($"""
                SELECT count(*), sum(close)::text, sum(high)::text, sum(volume)::bigint, count(*) FILTER (WHERE open IS NULL), count(*) FILTER (WHERE vwap IS NULL)
                FROM (SELECT * FROM trading.bars('AAA', '15m', '{day}', '{day}'::date + 1) UNION ALL SELECT * FROM trading.bars('BBB', '15m', '{day}', '{day}'::date + 1)) b
                """))[0];
            Assert.Equal(Convert.ToInt64(sql[0]), Convert.ToInt64(duck[0]));
            Assert.Equal(decimal.Parse((string)sql[1]!, CultureInfo.InvariantCulture), decimal.Parse((string)duck[1]!, CultureInfo.InvariantCulture));
            Assert.Equal(decimal.Parse((string)sql[2]!, CultureInfo.InvariantCulture), decimal.Parse((string)duck[2]!, CultureInfo.InvariantCulture));
            Assert.Equal(Convert.ToInt64(sql[3]), Convert.ToInt64(duck[3]));
            Assert.Equal(Convert.ToInt64(sql[4]), Convert.ToInt64(duck[4]));
            Assert.True(Convert.ToInt64(duck[4]) > 0, "AAA's bars start with a null open");
            Assert.Equal(Convert.ToInt64(sql[5]), Convert.ToInt64(duck[5]));
            Assert.True(Convert.ToInt64(Duck($"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{file}')")[0][0]) >= 2, "row groups of 50 rows");
        }

        var types = Duck($"DESCRIBE SELECT * FROM read_parquet('{output}/*/*.parquet', hive_partitioning = true)").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["timestamp"]);
        Assert.Equal("VARCHAR", types["symbol"]);
        Assert.Equal("DECIMAL(12,4)", types["close"]);
        Assert.Equal("DECIMAL(16,8)", types["vwap"]);
        Assert.Equal("BIGINT", types["volume"]);
        Assert.Equal("DATE", types["date"]);
        var repetition = Duck($"SELECT name, repetition_type FROM parquet_schema('{output}/date=2026-11-30/part-0.parquet')")
            .Where(r => r[1] is not null).ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("REQUIRED", repetition["timestamp"]);
        Assert.Equal("REQUIRED", repetition["symbol"]);
        Assert.Equal("OPTIONAL", repetition["open"]);
        var unit = Duck($"SELECT logical_type FROM parquet_schema('{output}/date=2026-11-30/part-0.parquet') WHERE name = 'timestamp'")[0][0]?.ToString();
        Assert.Contains("MICROS", unit, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("isAdjustedToUTC=1", unit!.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Symbol_partitions_split_each_date_and_read_back_with_hive_partitioning()
    {
        var output = NewOutput("by-symbol");
        var result = await Trading.Export().TableAsync(
            new TableExport { Table = ExportTable.Bars, From = From, To = To, Interval = TimescaleInterval.FromHours(1), Output = output, PartitionBySymbol = true },
            cancellationToken: Ct);
        Assert.Equal(
            ["date=2026-11-30/symbol=AAA/part-0.parquet", "date=2026-11-30/symbol=BBB/part-0.parquet", "date=2026-12-01/symbol=AAA/part-0.parquet", "date=2026-12-01/symbol=BBB/part-0.parquet"],
            result.Files.Select(f => f.Path).ToArray());
        CheckManifest(output);
        var perPartition = Duck($"SELECT symbol, count(*), count(DISTINCT symbol) FROM read_parquet('{output}/*/*/*.parquet', hive_partitioning = true) GROUP BY symbol ORDER BY symbol");
        var expected = await RowsAsync("SELECT symbol, count(*) FROM (SELECT * FROM trading.bars('AAA', '1h', '2026-11-30', '2026-12-02') UNION ALL SELECT * FROM trading.bars('BBB', '1h', '2026-11-30', '2026-12-02')) b GROUP BY symbol ORDER BY symbol");
        Assert.Equal(expected.Select(r => ((string)r[0]!, Convert.ToInt64(r[1]))), perPartition.Select(r => ((string)r[0]!, Convert.ToInt64(r[1]))));
    }

    [Fact]
    public async Task Bars_from_a_pool_of_one_connection_are_read_one_day_at_a_time_and_match_sql()
    {
        // The next day is read ahead on a second connection only when the pool has one; with a single connection the
        // export must not wait for it (Timeout=5 would fail the export after five seconds).
        var builder = new NpgsqlDataSourceBuilder(Database.ConnectionString + ";Maximum Pool Size=1;Timeout=5");
        builder.UseNodaTime();
        await using var single = builder.Build();
        var output = NewOutput("single-connection");
        var result = await new TradingDatabase(single, new TradingTimescaleOptions()).Export().TableAsync(
            new TableExport { Table = ExportTable.Bars, From = From, To = To, Interval = TimescaleInterval.FromMinutes(5), Output = output },
            cancellationToken: Ct);

        Assert.Equal(["date=2026-11-30/part-0.parquet", "date=2026-12-01/part-0.parquet"], result.Files.Select(f => f.Path).ToArray());
        CheckManifest(output);
        var expected = await RowsAsync("""
            SELECT count(*), sum(close)::text FROM trading.stock_prices_5m WHERE bucket >= '2026-11-30T00:00Z' AND bucket < '2026-12-02T00:00Z'
            """);
        var exported = Duck($"SELECT count(*), sum(close)::VARCHAR FROM read_parquet('{output}/*/*.parquet')")[0];
        Assert.Equal(Convert.ToInt64(expected[0][0]), Convert.ToInt64(exported[0]));
        Assert.Equal(decimal.Parse((string)expected[0][1]!, CultureInfo.InvariantCulture), decimal.Parse((string)exported[1]!, CultureInfo.InvariantCulture));
        Assert.True(result.Rows > 0);
    }

    [Fact]
    public async Task Features_equal_the_single_symbol_sql_functions_and_no_feature_sees_a_planted_future_spike()
    {
        FeatureSetExport Request(string output) => new()
        {
            Interval = TimescaleInterval.FromMinutes(15),
            From = From,
            To = To,
            Indicators = FeatureIndicator.ParseList("rsi:14,sma:20,ema:10,bollinger:20:2,macd,atr:14,vwap,stochastic:14:3"),
            LabelHorizon = Duration.FromMinutes(30),
            Output = output,
        };
        var before = NewOutput("before");
        var result = await Trading.Export().FeaturesAsync(Request(before), cancellationToken: Ct);
        CheckManifest(before);
        Assert.Equal(
            ["timestamp", "symbol", "open", "high", "low", "close", "volume", "vwap", "rsi_14", "sma_20", "ema_10", "bollinger_20_2_upper", "bollinger_20_2_middle",
             "bollinger_20_2_lower", "macd_12_26_9", "macd_12_26_9_signal", "macd_12_26_9_histogram", "atr_14", "vwap_session", "stochastic_14_3_k", "stochastic_14_3_d",
             "label_forward_return_30m", "label_first_hit_30m"],
            result.Columns.ToArray());

        // Every indicator value equals the function called over the whole range for one symbol, nulls (warm-up) included.
        var checks = new (string Column, string Sql)[]
        {
            ("rsi_14", "SELECT \"timestamp\", rsi FROM trading.calculate_rsi('{0}', 14, '15m', '{1}', '{2}')"),
            ("sma_20", "SELECT \"timestamp\", moving_average FROM trading.calculate_moving_average('{0}', 20, '15m', '{1}', '{2}')"),
            ("bollinger_20_2_upper", "SELECT \"timestamp\", upper_band FROM trading.calculate_bollinger_bands('{0}', 20, 2, '15m', '{1}', '{2}')"),
            ("macd_12_26_9_signal", "SELECT \"timestamp\", signal FROM trading.calculate_macd('{0}', 12, 26, 9, '15m', '{1}', '{2}')"),
            ("atr_14", "SELECT \"timestamp\", atr FROM trading.calculate_atr('{0}', 14, '15m', '{1}', '{2}')"),
            ("stochastic_14_3_d", "SELECT \"timestamp\", percent_d FROM trading.calculate_stochastic('{0}', 14, 3, '15m', '{1}', '{2}')"),
        };
        foreach (var symbol in new[] { "AAA", "BBB" })
        {
            foreach (var (column, template) in checks)
            {
                var expected = (await RowsAsync(string.Format(CultureInfo.InvariantCulture, template, symbol, "2026-11-30T00:00Z", "2026-12-02T00:00Z")))
                    .ToDictionary(r => ((Instant)r[0]!).ToUnixTimeTicks() / 10, r => (double?)r[1]);
                var exported = Duck($"SELECT epoch_us(\"timestamp\"), {column} FROM read_parquet('{before}/*/*.parquet') WHERE symbol = '{symbol}' ORDER BY 1");
                Assert.Equal(expected.Count, exported.Count);
                Assert.Contains(exported, r => r[1] is null);
                Assert.Contains(exported, r => r[1] is not null);
                foreach (var row in exported)
                {
                    var value = expected[Convert.ToInt64(row[0])];
                    if (value is null)
                    {
                        Assert.Null(row[1]);
                    }
                    else
                    {
                        Assert.Equal(value.Value, Convert.ToDouble(row[1]), 9);
                    }
                }
            }
        }

        // A spike planted at 18:29:30 on the second day: bars ending at or before it must not change in any feature.
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, "timestamp", open_price, high_price, low_price, close_price, volume, vwap)
            VALUES ('AAA', '2026-12-01 18:29:30Z', 5000, 9000, 5000, 8000, 1000000, 8000)
            """);
        await RefreshBarsAsync();
        var after = NewOutput("after");
        await Trading.Export().FeaturesAsync(Request(after), cancellationToken: Ct);
        var features = string.Join(", ", result.Columns.Where(c => !c.StartsWith("label_", StringComparison.Ordinal)).Select(c => $"coalesce(\"{c}\"::VARCHAR, 'null')"));
        Dictionary<(long, string), (string Features, string Labels)> Read(string output) =>
            Duck($"SELECT epoch_us(\"timestamp\"), symbol, concat_ws('|', {features}), concat_ws('|', coalesce(label_forward_return_30m::VARCHAR, 'null'), coalesce(label_first_hit_30m, 'null')) FROM read_parquet('{output}/*/*.parquet')")
                .ToDictionary(r => (Convert.ToInt64(r[0]), (string)r[1]!), r => ((string)r[2]!, (string)r[3]!));
        var first = Read(before);
        var second = Read(after);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        var changed = first.Select(p => new object?[] { p.Key.Item1, p.Key.Item2, p.Value.Features == second[p.Key].Features ? 0L : 1L, p.Value.Labels != second[p.Key].Labels }).ToList();
        var spike = Instant.FromUtc(2026, 12, 1, 18, 29, 30);
        var width = Duration.FromMinutes(15);
        foreach (var row in changed)
        {
            var start = Instant.FromUnixTimeTicks(Convert.ToInt64(row[0]) * 10);
            if (start + width <= spike || (string)row[1]! == "BBB")
            {
                Assert.Equal(0L, Convert.ToInt64(row[2]));
            }
        }

        // The spike is in the data: the bar holding it changes, and the label of a bar before it (newest close in [18:00, 18:30)) sees it.
        Assert.Contains(changed, r => (string)r[1]! == "AAA" && Instant.FromUnixTimeTicks(Convert.ToInt64(r[0]) * 10) == Instant.FromUtc(2026, 12, 1, 18, 15) && Convert.ToInt64(r[2]) > 0);
        Assert.Contains(changed, r => (string)r[1]! == "AAA" && Instant.FromUnixTimeTicks(Convert.ToInt64(r[0]) * 10) == Instant.FromUtc(2026, 12, 1, 17, 45) && (bool)r[3]!);
    }

    [Fact]
    public async Task Labels_follow_the_signal_outcome_rules_in_hand_checked_cases()
    {
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, "timestamp", open_price, high_price, low_price, close_price, volume)
            SELECT 'LBL', t, 100, 100.2, 99.8, 100, 10 FROM generate_series('2026-11-25 15:00Z'::timestamptz, '2026-11-25 15:14Z', INTERVAL '1 minute') AS t;
            INSERT INTO trading.stock_prices (symbol, "timestamp", open_price, high_price, low_price, close_price, volume) VALUES
                ('LBL', '2026-11-25 15:15Z', 100, 100.5, 99.5, 100.3, 10),
                ('LBL', '2026-11-25 15:16Z', 100.3, 101.0, 100.0, 100.8, 10),
                ('LBL', '2026-11-25 15:44Z', 101.5, 102, 101.5, 102, 10),
                ('LBL', '2026-11-25 15:45Z', 100, 103.5, 89, 90, 10);
            """);
        await RefreshBarsAsync();
        var output = NewOutput("labels");
        await Trading.Export().FeaturesAsync(new FeatureSetExport
        {
            Interval = TimescaleInterval.FromMinutes(15),
            From = Instant.FromUtc(2026, 11, 25, 0, 0),
            To = Instant.FromUtc(2026, 11, 26, 0, 0),
            Symbols = ["LBL"],
            LabelHorizon = Duration.FromMinutes(30),
            LabelThreshold = 0.01m,
            Output = output,
        }, cancellationToken: Ct);
        var rows = Duck($"SELECT strftime(\"timestamp\" AT TIME ZONE 'UTC', '%H:%M'), close::VARCHAR, label_forward_return_30m, label_first_hit_30m FROM read_parquet('{output}/*/*.parquet') ORDER BY 1");
        Assert.Equal(["15:00", "15:15", "15:30", "15:45"], rows.Select(r => (string)r[0]!).ToArray());
        // 15:00 closes at 100; in [15:15, 15:45) the 15:16 high 101.0 reaches the 1% target first; the last close there is 102.
        Assert.Equal(0.02, (double)rows[0][2]!, 12);
        Assert.Equal("target", rows[0][3]);
        // 15:15 closes at 100.8 (15:16); in [15:30, 16:00) the 15:44 high 102 reaches 101.808 before 15:45's low 89 reaches the stop.
        Assert.Equal(90 / 100.8 - 1, (double)rows[1][2]!, 12);
        Assert.Equal("target", rows[1][3]);
        // 15:30 closes at 102 (15:44); 15:45 reaches both 103.02 and 100.98: the stop counts first.
        Assert.Equal(90.0 / 102 - 1, (double)rows[2][2]!, 12);
        Assert.Equal("stop", rows[2][3]);
        // 15:45: nothing after it within the horizon.
        Assert.Null(rows[3][2]);
        Assert.Null(rows[3][3]);
    }

    [Fact]
    public async Task Option_features_read_the_newest_snapshot_before_the_bar_end_only()
    {
        // A snapshot at 17:50 and one at 18:00 exactly (all IVs 0.99): bar 17:45 ends at 18:00 and must read the first.
        await ExecuteAsync("""
            INSERT INTO trading.options_data (underlying_symbol, option_symbol, "timestamp", expiration_date, strike_price, option_type, volume, implied_volatility, delta)
            VALUES ('AAA', 'C90', '2026-12-01 17:50Z', '2026-12-04', 90, 'CALL', 100, 0.30, 0.60),
                   ('AAA', 'C95', '2026-12-01 17:50Z', '2026-12-04', 95, 'CALL', 100, 0.28, 0.26),
                   ('AAA', 'C100', '2026-12-01 17:50Z', '2026-12-04', 100, 'CALL', 100, 0.27, 0.10),
                   ('AAA', 'P90', '2026-12-01 17:50Z', '2026-12-04', 90, 'PUT', 50, 0.34, -0.40),
                   ('AAA', 'P85', '2026-12-01 17:50Z', '2026-12-04', 85, 'PUT', 50, 0.38, -0.24),
                   ('AAA', 'P95', '2026-12-01 17:50Z', '2026-12-04', 95, 'PUT', 50, 0.31, -0.70),
                   ('AAA', 'C90X', '2026-12-01 17:50Z', '2026-12-11', 90, 'CALL', 0, 0.50, 0.55),
                   ('AAA', 'C90', '2026-12-01 18:00Z', '2026-12-04', 90, 'CALL', 100, 0.99, 0.60),
                   ('AAA', 'P90', '2026-12-01 18:00Z', '2026-12-04', 90, 'PUT', 100, 0.99, -0.40)
            """);
        var output = NewOutput("options-features");
        await Trading.Export().FeaturesAsync(new FeatureSetExport
        {
            Interval = TimescaleInterval.FromMinutes(15),
            From = Instant.FromUtc(2026, 12, 1, 17, 30),
            To = Instant.FromUtc(2026, 12, 1, 18, 15),
            Symbols = ["AAA"],
            OptionsFeatures = true,
            Output = output,
        }, cancellationToken: Ct);
        var rows = Duck($"""
            SELECT strftime("timestamp" AT TIME ZONE 'UTC', '%H:%M'), close::DOUBLE, strftime(option_snapshot_at AT TIME ZONE 'UTC', '%H:%M'),
                   option_atm_iv, option_put_call_volume_ratio, option_skew_25d
            FROM read_parquet('{output}/*/*.parquet') ORDER BY 1
            """);
        Assert.Equal(["17:30", "17:45", "18:00"], rows.Select(r => (string)r[0]!).ToArray());
        Assert.Null(rows[0][2]);
        Assert.Null(rows[0][3]);
        Assert.Equal("17:50", rows[1][2]);
        // The close (93.84) is nearest the 95 strike: the mean of the 95 call (0.28) and put (0.31).
        Assert.InRange((double)rows[1][1]!, 92.5, 97.5);
        Assert.Equal(0.295, (double)rows[1][3]!, 9);
        Assert.Equal(150.0 / 300, (double)rows[1][4]!, 9);
        Assert.Equal(0.38 - 0.28, (double)rows[1][5]!, 9);
        Assert.Equal("18:00", rows[2][2]);
        Assert.Equal(0.99, (double)rows[2][3]!, 9);
        Assert.Equal(1.0, (double)rows[2][4]!, 9);
    }

    [Fact]
    public async Task Decimals_and_timestamps_at_their_extremes_round_trip()
    {
        await ExecuteAsync("""
            INSERT INTO trading.options_data (underlying_symbol, option_symbol, "timestamp", expiration_date, strike_price, option_type,
                                              bid_price, ask_price, volume, open_interest, implied_volatility, delta)
            VALUES ('EXT', 'EXT-LOW', '1900-01-01 00:00:00.000001Z', '1900-01-19', 0.0001, 'PUT', -99999999.9999, 0.0001, 0, 0, -99.999999, -0.000001),
                   ('EXT', 'EXT-HIGH', '9999-12-30 23:59:59.999999Z', '9999-12-31', 99999999.9999, 'CALL', 99999999.9999, NULL, 9223372036854775807, NULL, 99.999999, 0.000001)
            """);
        var output = NewOutput("extremes");
        var result = await Trading.Export().TableAsync(new TableExport
        {
            Table = ExportTable.Options,
            From = Instant.FromUtc(1900, 1, 1, 0, 0),
            To = Instant.FromUtc(9999, 12, 31, 0, 0),
            Symbols = ["EXT"],
            Output = output,
        }, cancellationToken: Ct);
        Assert.Equal(["date=1900-01-01/part-0.parquet", "date=9999-12-30/part-0.parquet"], result.Files.Select(f => f.Path).ToArray());
        CheckManifest(output);
        var rows = Duck($"""
            SELECT epoch_us("timestamp"), strike_price::VARCHAR, bid_price::VARCHAR, ask_price::VARCHAR, volume, implied_volatility::VARCHAR, delta::VARCHAR,
                   expiration_date::VARCHAR, typeof(strike_price), typeof(implied_volatility), typeof(expiration_date)
            FROM read_parquet('{output}/*/*.parquet') ORDER BY 1
            """);
        Assert.Equal(Instant.FromUtc(1900, 1, 1, 0, 0).ToUnixTimeTicks() / 10 + 1, Convert.ToInt64(rows[0][0]));
        Assert.Equal("0.0001", rows[0][1]);
        Assert.Equal("-99999999.9999", rows[0][2]);
        Assert.Equal("-99.999999", rows[0][5]);
        Assert.Equal("-0.000001", rows[0][6]);
        Assert.Equal("1900-01-19", rows[0][7]);
        Assert.Equal((Instant.FromUtc(9999, 12, 31, 0, 0).ToUnixTimeTicks() / 10) - 1, Convert.ToInt64(rows[1][0]));
        Assert.Equal("99999999.9999", rows[1][1]);
        Assert.Null(rows[1][3]);
        Assert.Equal(long.MaxValue, Convert.ToInt64(rows[1][4]));
        Assert.Equal("99.999999", rows[1][5]);
        Assert.Equal("DECIMAL(12,4)", rows[0][8]);
        Assert.Equal("DECIMAL(8,6)", rows[0][9]);
        Assert.Equal("DATE", rows[0][10]);
    }

    [Fact]
    public async Task A_range_without_rows_writes_only_a_manifest()
    {
        var output = NewOutput("empty");
        var result = await Trading.Export().FeaturesAsync(new FeatureSetExport
        {
            Interval = TimescaleInterval.FromMinutes(5),
            From = Instant.FromUtc(2020, 1, 1, 0, 0),
            To = Instant.FromUtc(2020, 1, 3, 0, 0),
            Indicators = [FeatureIndicator.Rsi(14)],
            Output = output,
        }, cancellationToken: Ct);
        Assert.Empty(result.Files);
        Assert.Equal(0, result.Rows);
        Assert.Equal(["_manifest.json"], Directory.EnumerateFileSystemEntries(output).Select(p => Path.GetFileName(p)).ToArray<string>());
        var manifest = CheckManifest(output);
        Assert.Equal(0, (long)manifest["rows"]!);
        Assert.Contains(manifest["columns"]!.AsArray(), c => (string)c!["name"]! == "rsi_14");
    }

    [Theory]
    [InlineData("--from 2026-12-01 --to 2026-11-30 --interval 5m", "--from (2026-12-01T00:00:00Z) must be before --to")]
    [InlineData("--from 2026-11-30 --to 2026-12-01 --interval 5m --indicators rsi:14,foo", "indicator 'foo' is unknown")]
    [InlineData("--from 2026-11-30 --to 2026-12-01 --interval 5x", "--interval '5x' is not a bar width")]
    [InlineData("--from 2026-11-30 --to 2026-12-01 --interval 5m --indicators rsi:0", "a rsi period must be between 1 and 100000 bars, got 0")]
    [InlineData("--from 2026-11-30 --to 2026-12-01 --interval 5m --label-horizon soon", "--label-horizon 'soon' is not a duration")]
    [InlineData("--from 2026-11-30 --to 2026-12-01 --interval 5m --row-group-size 0", "--row-group-size 0 must be between 1 and 10000000 rows")]
    [InlineData("--from 2026-11-30 --to 2026-12-01 --interval 5m --format xlsx", "--format 'xlsx' is not a format: use parquet or csv")]
    public async Task Bad_arguments_fail_with_a_clear_error_before_anything_is_written(string arguments, string message)
    {
        var output = NewOutput("refused");
        var (exitCode, _, error) = await CliRunner.RunAsync(["--connection", Database.ConnectionString, "export", "features", .. arguments.Split(' '), "--output", output]);
        Assert.Equal(1, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(output)!).Any());
    }

    [Fact]
    public async Task The_cli_exports_csv_bars_with_a_manifest()
    {
        var output = NewOutput("csv");
        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(
            ["--connection", Database.ConnectionString, "export", "bars", "--from", "2026-11-30", "--to", "2026-12-02", "--symbols", "BBB", "--interval", "1h",
             "--format", "csv", "--output", output]);
        Assert.True(exitCode == 0, stderr);
        CheckManifest(output);
        var expected = Convert.ToInt64((await RowsAsync("SELECT count(*) FROM trading.bars('BBB', '1h', '2026-11-30', '2026-12-02')"))[0][0]);
        var lines = Directory.EnumerateFiles(output, "*.csv", SearchOption.AllDirectories).Sum(f => File.ReadAllLines(f).Length - 1);
        Assert.Equal(expected, lines);
        Assert.Equal(expected, Convert.ToInt64(Duck($"SELECT count(*) FROM read_csv('{output}/*/*.csv', header = true)")[0][0]));
        Assert.Equal("timestamp,symbol,open,high,low,close,volume,vwap", File.ReadLines(Directory.EnumerateFiles(output, "*.csv", SearchOption.AllDirectories).First()).First());
        Assert.Contains($"{expected} row(s)", stdout, StringComparison.Ordinal);
    }
}
