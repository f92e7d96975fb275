using Npgsql;
using Trading.Timescale.Operations;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Operations;

public sealed class MaintenanceTests(Infrastructure.TimescaleServerFixture server) : OperationsTest(server)
{
    // Chunks of 1 day; stock_prices keeps 20 days, options_data its default 60 days.
    private const string KnownData = """
        INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume)
        SELECT 'AAPL', now() - d * INTERVAL '1 day', 100, 101, 99, 100, 1000 FROM unnest(ARRAY[40, 30, 10, 1]) AS d;
        INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type, bid_price, ask_price)
        SELECT 'AAPL', 'AAPL261218C00150000', now() - d * INTERVAL '1 day', DATE '2026-12-18', 150, 'CALL', 1, 1.1 FROM unnest(ARRAY[90, 1]) AS d;
        INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
        VALUES ('halt', 'CRITICAL', 'feed', 'old critical event', now() - INTERVAL '200 days'),
               ('tick', 'INFO', 'feed', 'old info event', now() - INTERVAL '200 days');
        """;

    protected override void Configure(TradingTimescaleOptions options) => options.Retention.StockPrices = TimescaleInterval.FromDays(20);

    // Without system_events_critical, where retention's sweep of CRITICAL events may add a chunk.
    private async Task<List<string>> ChunksAsync() => Sorted(await StringsAsync("SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_schema = 'trading' AND hypertable_name <> 'system_events_critical'"));

    private static List<string> Sorted(List<string> names) => [.. names.Order(StringComparer.Ordinal)];

    private async Task<List<string>> ExpiredAsync() => Sorted(await StringsAsync("""
        SELECT c::text FROM show_chunks('trading.stock_prices', older_than => now() - INTERVAL '20 days') c
        UNION ALL SELECT c::text FROM show_chunks('trading.options_data', older_than => now() - INTERVAL '60 days') c
        UNION ALL SELECT c::text FROM show_chunks('trading.system_events', older_than => now() - INTERVAL '3 months') c
        """));

    [Fact]
    public async Task Dry_run_lists_exactly_the_expired_chunks_and_changes_nothing()
    {
        await PauseJobsAsync(); // "changes nothing" and "exactly": no retention job may drop a chunk meanwhile
        await ExecuteAsync(KnownData);
        var before = await ChunksAsync();
        var expired = await ExpiredAsync();

        var report = await Trading.Operations.MaintainAsync(new MaintenanceOptions { DryRun = true }, Ct);

        Assert.True(report.DryRun);
        Assert.Equal(4, expired.Count); // stock_prices -40 and -30 days, options_data -90 days, system_events -200 days
        Assert.Equal(expired, report.Actions.Where(a => a.Kind == MaintenanceActionKind.DropChunk).Select(a => a.Chunk!).Order(StringComparer.Ordinal));
        Assert.Equal(2, report.Retention.Single(r => r.Hypertable == "trading.stock_prices").DroppedChunks);
        Assert.Equal(before, await ChunksAsync());
        Assert.Equal(4L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM trading.system_events"));
    }

    [Fact]
    public async Task Maintain_drops_exactly_the_expired_chunks_and_keeps_critical_events()
    {
        await ExecuteAsync(KnownData);
        // A CRITICAL event written with the copy trigger bypassed: only apply_retention's sweep can keep it.
        await ExecuteAsync("""
            SET session_replication_role = replica;
            INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
            VALUES ('halt', 'CRITICAL', 'replica', 'bypassed trigger', now() - INTERVAL '150 days');
            RESET session_replication_role;
            """);
        // Expired first: a retention job (when jobs run) may drop an expired chunk at any moment, never a kept one.
        var expired = await ExpiredAsync();
        var before = await ChunksAsync();

        var report = await Trading.Operations.MaintainAsync(cancellationToken: Ct);

        var dropped = report.Actions.Where(a => a.Kind == MaintenanceActionKind.DropChunk).Select(a => a.Chunk!).Order(StringComparer.Ordinal).ToList();
        Assert.Subset(expired.ToHashSet(), dropped.ToHashSet());
        Assert.Equal(before.Except(expired), await ChunksAsync());
        Assert.Equal(dropped.Count, report.Retention.Sum(r => r.DroppedChunks));
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices WHERE timestamp > now() - INTERVAL '11 days'"));
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM trading.options_data"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.system_events"));
        Assert.Equal(["bypassed trigger", "old critical event"], await StringsAsync("SELECT message FROM trading.system_events_critical ORDER BY message"));
        if (Edition == TimescaleEdition.Apache)
        {
            Assert.Equal(["compression: unavailable on the apache edition", "aggregate refresh: unavailable on the apache edition (the aggregates are plain views computed on read)"], report.Skipped);
        }

        var again = await Trading.Operations.MaintainAsync(new MaintenanceOptions { Compression = false, RefreshAggregates = false }, Ct);
        Assert.Empty(again.Actions);
        Assert.Equal(0, again.Retention.Sum(r => r.DroppedChunks));
    }

    [Fact]
    public async Task Maintain_refreshes_the_screen_state_of_the_widths_in_use_and_its_dry_run_only_reports_it()
    {
        await PauseJobsAsync();
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, high_price, low_price, close_price, volume)
            SELECT 'SCR', TIMESTAMPTZ '2026-03-10 15:55:00+00' - n * INTERVAL '5 minutes', 41, 39, 40 + (n % 5) * 0.1, 1000 + n
            FROM generate_series(0, 59) AS n
            """);
        var screenOnly = new MaintenanceOptions { Retention = false, Compression = false, RefreshAggregates = false };

        // Never refreshed: nothing to do.
        Assert.Empty((await Trading.Operations.MaintainAsync(screenOnly, Ct)).Actions);

        await ExecuteAsync("CALL trading.refresh_screen_state(ARRAY['5 minutes'])");
        var horizon = await ScalarAsync<NodaTime.Instant>("SELECT horizon FROM trading.screen_state_widths");
        await ExecuteAsync("INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('SCR', '2026-03-10 12:01:00+00', 44)");
        const string Changed = "SELECT count(*) FROM trading.screen_state_symbols WHERE changed_from IS NOT NULL";
        Assert.Equal(1L, await ScalarAsync<long>(Changed));

        var dry = await Trading.Operations.MaintainAsync(new MaintenanceOptions { DryRun = true, Retention = false, Compression = false, RefreshAggregates = false }, Ct);
        var planned = Assert.Single(dry.Actions);
        Assert.Equal(MaintenanceActionKind.RefreshScreenState, planned.Kind);
        Assert.Equal(TimescaleInterval.FromMinutes(5), planned.Width);
        Assert.Equal(horizon, planned.RangeStart);
        Assert.True(planned.RangeEnd >= planned.RangeStart);
        Assert.Equal(1L, await ScalarAsync<long>(Changed));

        var done = Assert.Single((await Trading.Operations.MaintainAsync(screenOnly, Ct)).Actions);
        Assert.Equal(("trading.screen_states", TimescaleInterval.FromMinutes(5)), (done.Target, done.Width!.Value));
        Assert.Equal(horizon, done.RangeStart);
        Assert.Equal(await ScalarAsync<NodaTime.Instant>("SELECT horizon FROM trading.screen_state_widths"), done.RangeEnd);
        Assert.Equal(0L, await ScalarAsync<long>(Changed));
    }

    [Fact]
    public async Task Apply_retention_reports_every_hypertable_with_its_dropped_chunks()
    {
        await PauseJobsAsync(); // exact counts: no retention job may drop a chunk first
        await ExecuteAsync(KnownData);

        var result = await Trading.Operations.ApplyRetentionAsync(Ct);

        Assert.Equal(7, result.Count);
        Assert.Equal(2, result.Single(r => r.Hypertable == "trading.stock_prices").DroppedChunks);
        Assert.Equal(1, result.Single(r => r.Hypertable == "trading.options_data").DroppedChunks);
        Assert.Equal(0, result.Single(r => r.Hypertable == "trading.signals").DroppedChunks);
    }

    [Fact]
    public async Task Community_maintenance_compresses_old_chunks_and_refreshes_aggregates_and_its_dry_run_does_neither()
    {
        RequireCommunityEdition("Compression and continuous aggregate refresh");
        await PauseJobsAsync(); // exact lists: no compression job may compress a chunk first
        await ExecuteAsync(KnownData);
        var oldUncompressed = Sorted(await StringsAsync("""
            SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks
            WHERE hypertable_schema = 'trading' AND NOT is_compressed AND range_end <= now() - INTERVAL '7 days'
              AND format('%I.%I', chunk_schema, chunk_name) NOT IN (SELECT chunk FROM trading.retention_plan())
            """));
        Assert.NotEmpty(oldUncompressed);

        var dry = await Trading.Operations.MaintainAsync(new MaintenanceOptions { DryRun = true }, Ct);
        Assert.Equal(oldUncompressed, dry.Actions.Where(a => a.Kind == MaintenanceActionKind.CompressChunk).Select(a => a.Chunk!).Order(StringComparer.Ordinal));
        Assert.Equal(6, dry.Actions.Count(a => a.Kind == MaintenanceActionKind.RefreshAggregate));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'trading' AND is_compressed"));

        var report = await Trading.Operations.MaintainAsync(cancellationToken: Ct);

        Assert.Empty(report.Skipped);
        Assert.Equal(oldUncompressed, Sorted(await StringsAsync("""
            SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks
            WHERE hypertable_schema = 'trading' AND is_compressed
            """)));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices_1m WHERE bucket > now() - INTERVAL '2 days'"));
    }

    [Fact]
    public async Task Community_maintenance_completes_while_every_policy_job_runs_alongside()
    {
        RequireCommunityEdition("Retention, compression and refresh policies");
        await PauseJobsAsync(); // the test runs every job itself, at the same moment as maintenance
        var jobs = await StringsAsync("SELECT job_id::text FROM timescaledb_information.jobs WHERE hypertable_schema = 'trading' OR proc_schema = 'trading' ORDER BY job_id");
        Assert.True(jobs.Count >= 10, $"expected the schema's policies and jobs, found {jobs.Count}");

        for (var round = 1; round <= 3; round++)
        {
            await ExecuteAsync(KnownData);
            // Every job in its own session, started together with maintenance; a job that loses a conflict to
            // maintenance fails and is not under test here, maintenance is.
            var running = jobs.Select(async job =>
            {
                try
                {
                    await using var command = DataSource.CreateCommand($"CALL run_job({int.Parse(job, System.Globalization.CultureInfo.InvariantCulture)})");
                    command.CommandTimeout = 300;
                    await command.ExecuteNonQueryAsync(Ct);
                }
                catch (PostgresException)
                {
                }
            }).ToList();

            var report = await Trading.Operations.MaintainAsync(cancellationToken: Ct);
            await Task.WhenAll(running);

            Assert.Empty(report.Skipped);
            Assert.Empty(await ExpiredAsync());
            Assert.Equal(0L, await ScalarAsync<long>("""
                SELECT count(*) FROM timescaledb_information.chunks c
                JOIN timescaledb_information.hypertables h USING (hypertable_schema, hypertable_name)
                WHERE c.hypertable_schema = 'trading' AND h.compression_enabled AND NOT c.is_compressed
                  AND c.range_end <= now() - (SELECT s.value::interval FROM trading.settings s WHERE s.name = 'compress_after')
                """));
            Assert.Equal(2L * round, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices")); // each round adds 2 kept rows
            Assert.Equal(["old critical event"], await StringsAsync("SELECT DISTINCT message FROM trading.system_events_critical ORDER BY message"));
        }
    }

    [Fact]
    public async Task Refreshing_aggregates_over_a_range_brings_in_rows_written_below_the_watermark()
    {
        var from = NodaTime.SystemClock.Instance.GetCurrentInstant() - NodaTime.Duration.FromDays(3);
        var day = NodaTime.Duration.FromDays(1);
        if (Edition != TimescaleEdition.Community)
        {
            Assert.False(await Trading.Operations.RefreshAggregatesAsync(from, from + day, Ct)); // views: computed on read
            return;
        }

        await PauseJobsAsync(); // the test moves the watermarks itself
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume)
            SELECT 'AAPL', date_trunc('hour', now()) - INTERVAL '3 days' + m * INTERVAL '1 minute', 100, 101, 99, 100, 10 FROM generate_series(0, 59) AS m;
            """);
        await RefreshAggregateAsync("trading.stock_prices_1m");
        await RefreshAggregateAsync("trading.stock_prices_5m");
        await RefreshAggregateAsync("trading.stock_prices_1h");
        // A second symbol, written after the refresh and below the watermarks: not in the aggregates yet.
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume)
            SELECT 'MSFT', date_trunc('hour', now()) - INTERVAL '3 days' + m * INTERVAL '1 minute', 200, 201, 199, 200, 20 FROM generate_series(0, 59) AS m;
            """);
        const string Hourly = "SELECT count(*) FROM trading.stock_prices_1h WHERE symbol = 'MSFT'";
        Assert.Equal(0L, await ScalarAsync<long>(Hourly));

        Assert.True(await Trading.Operations.RefreshAggregatesAsync(from - day, from + day, Ct));

        Assert.Equal(1L, await ScalarAsync<long>(Hourly));
        Assert.Equal(1200L, await ScalarAsync<long>("SELECT sum(volume)::bigint FROM trading.stock_prices_1h WHERE symbol = 'MSFT'"));
        Assert.Equal(12L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices_5m WHERE symbol = 'MSFT'"));
        await Assert.ThrowsAsync<ArgumentException>(() => Trading.Operations.RefreshAggregatesAsync(from, from, Ct));
    }
}
