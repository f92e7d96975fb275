using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Operations;

public sealed class StatsTests(Infrastructure.TimescaleServerFixture server) : OperationsTest(server)
{
    // 3 days of minute bars for two symbols: 3 chunks of stock_prices, 2 * 3 * 60 rows. Autovacuum is then off for the
    // chunks (ALTER TABLE passes the setting to existing ones), and the compression policy of stock_prices is paused
    // (community), so that neither changes the sizes the statistics are checked against.
    private const string KnownData = """
        SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs
        WHERE proc_name = 'policy_compression' AND hypertable_schema = 'trading' AND hypertable_name = 'stock_prices';
        INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume)
        SELECT s, timestamptz '2026-11-16 14:30:00+00' + d * INTERVAL '1 day' + m * INTERVAL '1 minute', 100, 101, 99, 100, 1000
        FROM unnest(ARRAY['AAPL', 'MSFT']) AS s, generate_series(0, 2) AS d, generate_series(0, 59) AS m;
        ALTER TABLE trading.stock_prices SET (autovacuum_enabled = false);
        UPDATE trading.stock_prices SET volume = 2000 WHERE symbol = 'MSFT';
        DELETE FROM trading.stock_prices WHERE symbol = 'MSFT' AND timestamp >= timestamptz '2026-11-18 00:00:00+00';
        SELECT pg_stat_force_next_flush();
        """;

    [Fact]
    public async Task Stats_match_the_catalog_after_loading_known_data()
    {
        // Exact sizes: a job writing meanwhile (a refresh, its statistics) would change the database's size between reads.
        await PauseJobsAsync();
        await ExecuteAsync(KnownData);
        await ExecuteAsync("SELECT 1"); // the session flushes its table counters at the end of a transaction

        var stats = await Trading.Operations.GetStatsAsync(cancellationToken: Ct);

        Assert.Equal(Database.Name, stats.Database);
        Assert.Equal(Edition, stats.Server.Edition);
        var prices = stats.Tables.Single(t => t.Name == "stock_prices");
        Assert.True(prices.IsHypertable);
        Assert.Equal(3, prices.Chunks);
        var chunkBytes = await ScalarAsync<long>("SELECT sum(pg_total_relation_size(c))::bigint FROM show_chunks('trading.stock_prices') c");
        var parentBytes = await ScalarAsync<long>("SELECT pg_total_relation_size('trading.stock_prices')");
        Assert.Equal(chunkBytes + parentBytes, prices.TotalBytes);
        Assert.True(prices.TotalBytes > parentBytes, "the size includes the chunks, which pg_total_relation_size of the parent leaves out");
        Assert.Equal(await ScalarAsync<long>("SELECT hypertable_size('trading.stock_prices')"), prices.TotalBytes);
        Assert.Equal(prices.TotalBytes, prices.TableBytes + prices.IndexBytes + prices.ToastBytes);
        var positions = stats.Tables.Single(t => t.Name == "positions");
        Assert.False(positions.IsHypertable);
        Assert.Equal(await ScalarAsync<long>("SELECT pg_total_relation_size('trading.positions')"), positions.TotalBytes);
        Assert.Equal(stats.Tables.OrderByDescending(t => t.TotalBytes).Select(t => t.TotalBytes), stats.Tables.Select(t => t.TotalBytes));

        var chunks = stats.Chunks.Where(c => c.Hypertable == "stock_prices").ToList();
        Assert.Equal((await StringsAsync("SELECT c::text FROM show_chunks('trading.stock_prices') c")).Order(StringComparer.Ordinal), chunks.Select(c => c.Chunk).Order(StringComparer.Ordinal));
        foreach (var chunk in chunks)
        {
            Assert.Equal(await ScalarAsync<long>("SELECT pg_total_relation_size($1::regclass)", chunk.Chunk), chunk.TotalBytes);
            Assert.Equal(NodaTime.Duration.FromDays(1), chunk.RangeEnd!.Value - chunk.RangeStart!.Value);
            Assert.False(chunk.IsCompressed);
            Assert.Null(chunk.CompressionRatio);
        }

        Assert.Equal(await ScalarAsync<long>("SELECT pg_database_size(current_database())"), stats.DatabaseBytes);
        Assert.Equal(await ScalarAsync<long>("SELECT current_setting('max_connections')::bigint"), stats.MaxConnections);

        var activity = stats.Activity.Single(a => a.Name == "stock_prices");
        Assert.Equal(360, activity.Inserted);
        Assert.Equal(180, activity.Updated);
        Assert.Equal(60, activity.Deleted);
        Assert.Equal(300, activity.LiveRows);
        Assert.Contains(stats.Activity, a => a.Name == "positions");

        if (Edition == TimescaleEdition.Apache)
        {
            Assert.False(stats.Aggregates.Available);
            Assert.StartsWith("unavailable on the apache edition", stats.Aggregates.UnavailableReason, StringComparison.Ordinal);
            Assert.False(stats.Jobs.Available);
        }
    }

    [Fact]
    public async Task Health_and_stats_report_the_same_hypertables_aggregates_and_jobs()
    {
        // Both are views of one catalogue reading: a figure one reports differently from the other is a second reader.
        await PauseJobsAsync();
        await ExecuteAsync(KnownData);
        if (Edition == TimescaleEdition.Community)
        {
            await RefreshAggregateAsync("trading.stock_prices_1m");
            await ExecuteAsync("INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('AAPL', '2026-11-18 16:00:00+00', 100)");
        }

        var stats = await Trading.Operations.GetStatsAsync(cancellationToken: Ct);
        var health = await Trading.Schema.CheckHealthAsync(Ct);

        var hypertables = stats.Tables.Where(t => t.IsHypertable).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(hypertables.Select(t => (t.Name, t.Chunks, t.TotalBytes)), health.Hypertables.Select(h => (h.Name, h.ChunkCount, h.TotalBytes)));
        Assert.Equal(3, health.Hypertables.Single(h => h.Name == "stock_prices").ChunkCount);
        Assert.Equal(stats.Aggregates.Available, health.ContinuousAggregates.Available);
        Assert.Equal(stats.Jobs.Available, health.Jobs.Available);
        Assert.Equal(
            stats.Aggregates.Items.Select(a => (a.Name, a.MaterializedThrough, a.Lag, a.Materialization)),
            health.ContinuousAggregates.Items.Select(a => (a.Name, a.MaterializedThrough, a.Lag, a.Materialization)));
        Assert.Equal(
            stats.Jobs.Items.Select(j => (j.JobId, j.Target, j.Scheduled, j.TotalFailures)),
            health.Jobs.Items.Select(j => (j.JobId, j.Target, j.Scheduled, j.TotalFailures)));
        if (Edition == TimescaleEdition.Community)
        {
            Assert.Equal(NodaTime.Duration.FromMinutes(30), health.ContinuousAggregates.Items.Single(a => a.Name == "stock_prices_1m").Lag);
            Assert.NotEmpty(health.Jobs.Items);
            Assert.Equal(stats.Chunks.Count(c => c.Hypertable == "stock_prices" && c.IsCompressed),
                health.Compression.Items.Single(c => c.Hypertable == "stock_prices").CompressedChunks);
        }
    }

    [Fact]
    public async Task Connections_are_counted_by_state()
    {
        var idle = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString);
                await connection.OpenAsync(Ct);
                idle.Add(connection);
            }

            var stats = await Trading.Operations.GetStatsAsync(cancellationToken: Ct);

            Assert.True(stats.Connections.Single(c => c.State == "idle").Count >= 3);
            Assert.True(stats.Connections.Single(c => c.State == "active").Count >= 1); // the statistics query itself
        }
        finally
        {
            foreach (var connection in idle)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Top_queries_say_why_when_pg_stat_statements_is_absent()
    {
        Assert.SkipWhen(await ScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_stat_statements')"),
            "pg_stat_statements is installed in this database.");

        var stats = await Trading.Operations.GetStatsAsync(cancellationToken: Ct);

        Assert.False(stats.TopQueries.Available);
        Assert.Contains("pg_stat_statements is not installed", stats.TopQueries.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("shared_preload_libraries", stats.TopQueries.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Community_stats_show_aggregate_lag_compression_and_jobs()
    {
        RequireCommunityEdition("Continuous aggregates, compression and jobs");
        await ExecuteAsync(KnownData);
        await RefreshAggregateAsync("trading.stock_prices_1m");
        var chunk = (await StringsAsync("SELECT c::text FROM show_chunks('trading.stock_prices') c ORDER BY 1")).First();
        await ExecuteAsync($"SELECT compress_chunk('{chunk}')");

        var stats = await Trading.Operations.GetStatsAsync(cancellationToken: Ct);

        var minute = stats.Aggregates.Items.Single(a => a.Name == "stock_prices_1m");
        Assert.Equal(NodaTime.Instant.FromUtc(2026, 11, 18, 15, 29), minute.NewestBucket);
        Assert.Equal(NodaTime.Instant.FromUtc(2026, 11, 18, 15, 30), minute.MaterializedThrough);
        Assert.Equal(AggregateMaterialization.Materialized, minute.Materialization);
        Assert.Equal(NodaTime.Duration.Zero, minute.Lag);
        var compressed = stats.Chunks.Single(c => c.Chunk == chunk);
        Assert.True(compressed.IsCompressed);
        Assert.Equal(await ScalarAsync<long>("SELECT before_compression_total_bytes FROM chunk_compression_stats('trading.stock_prices') WHERE format('%I.%I', chunk_schema, chunk_name) = $1", chunk), compressed.BytesBeforeCompression);
        Assert.NotNull(compressed.CompressionRatio);
        // The jobs the schema owns: its procedures, and the policies on its hypertables and aggregates (a refresh job names
        // the materialization hypertable before TimescaleDB 2.23, the view later); none of TimescaleDB's own.
        Assert.Equal(await ScalarAsync<long>("""
            SELECT count(*) FROM timescaledb_information.jobs j
            WHERE j.proc_schema = 'trading' OR j.hypertable_schema = 'trading'
               OR j.hypertable_name IN (SELECT materialization_hypertable_name FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'trading')
            """), stats.Jobs.Items.Count);
        Assert.Equal(
            stats.Aggregates.Items.Select(a => a.Name).Order(),
            stats.Jobs.Items.Where(j => j.Application.StartsWith("Refresh Continuous Aggregate Policy", StringComparison.Ordinal)).Select(j => j.Target).Order());
        Assert.Contains(stats.Jobs.Items, j => j.Target == "trading.system_events_retention");
        Assert.DoesNotContain(stats.Jobs.Items, j => j.Target.StartsWith("_timescaledb", StringComparison.Ordinal));

        // A newer source row that no refresh has reached: the lag is its distance from the materialized end.
        await ExecuteAsync("INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('AAPL', '2026-11-18 16:00:00+00', 100)");
        var lagging = (await Trading.Operations.GetStatsAsync(cancellationToken: Ct)).Aggregates.Items.Single(a => a.Name == "stock_prices_1m");
        Assert.Equal(NodaTime.Instant.FromUtc(2026, 11, 18, 15, 30), lagging.MaterializedThrough);
        Assert.Equal(NodaTime.Duration.FromMinutes(30), lagging.Lag);
    }

    [Fact]
    public async Task Top_queries_come_from_pg_stat_statements_when_it_is_loaded()
    {
        var installation = Testing.LocalClusterTesting.InstallationOrSkip();
        var options = Testing.LocalClusterTesting.LocalOnly(Testing.LocalClusterTesting.NewClusterRoot(installation));
        options.ServerSettings["shared_preload_libraries"] = "timescaledb,pg_stat_statements";
        await using var own = await TimescaleTestServer.StartAsync(options, Ct);
        await using var database = await own.CreateDatabaseAsync("stats_pgss", Ct);
        await using var trading = TradingDatabase.Create(database.ConnectionString);
        await using (var create = trading.DataSource.CreateCommand("CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()"))
        {
            await create.ExecuteNonQueryAsync(Ct);
        }

        for (var i = 0; i < 5; i++)
        {
            await using var query = trading.DataSource.CreateCommand("SELECT count(*) FROM generate_series(1, 20000) AS marker_series");
            await query.ExecuteScalarAsync(Ct);
        }

        var stats = await trading.Operations.GetStatsAsync(50, Ct);

        Assert.True(stats.TopQueries.Available);
        var marker = stats.TopQueries.Items.Single(q => q.Query.Contains("marker_series", StringComparison.Ordinal));
        Assert.Equal(5, marker.Calls);
        Assert.Equal(5, marker.Rows);
        Assert.InRange(marker.MeanExecTimeMs, (marker.TotalExecTimeMs / 5) - 1e-6, (marker.TotalExecTimeMs / 5) + 1e-6);
        Assert.Equal(stats.TopQueries.Items.OrderByDescending(q => q.TotalExecTimeMs).Select(q => q.Query), stats.TopQueries.Items.Select(q => q.Query));
    }
}
