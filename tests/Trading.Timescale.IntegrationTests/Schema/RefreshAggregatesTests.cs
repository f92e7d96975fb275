using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Schema;

/// <summary><c>trading.refresh_aggregates</c>: every level in dependency order, the levels others read up to the newest row.</summary>
public sealed class RefreshAggregatesTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_level_is_refreshed_in_order_and_the_levels_others_read_up_to_the_newest_row()
    {
        RequireCommunityEdition("Continuous aggregates");
        await new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions()).MigrateAsync(Ct);
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
            VALUES ('RAGG', '2026-01-12 10:00:00+00', 10, 11, 9, 10.5, 100, 10.2), ('RAGG', '2026-01-12 18:00:00+00', 12, 13, 11, 12.5, 50, 12.2)
            """);

        var progress = new List<string>();
        await using (var connection = await DataSource.OpenConnectionAsync(Ct))
        {
            connection.Notice += (_, e) =>
            {
                if (e.Notice.InvariantSeverity == "INFO")
                {
                    progress.Add(e.Notice.MessageText);
                }
            };
            await using var call = new NpgsqlCommand("CALL trading.refresh_aggregates('2026-01-12 00:00:00+00', '2026-01-12 12:00:00+00')", connection);
            await call.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(AggregateCatalog.All.Select(a => $"trading.refresh_aggregates: {a.Name} refreshed in"), progress.Select(p => p[..p.LastIndexOf(" in ", StringComparison.Ordinal)] + " in"));
        // Window_end 12:00 does not bound the levels others read: the 18:00 bar is materialized in each of them.
        Assert.Equal(2L, await MaterializedAsync("stock_prices_1m"));
        Assert.Equal(2L, await MaterializedAsync("stock_prices_5m"));
        Assert.Equal(2L, await MaterializedAsync("stock_prices_1h"));
        // The top level covers every bucket the window touches: the New York day of both bars, ending after window_end.
        Assert.Equal(1L, await MaterializedAsync("stock_prices_1d"));
        Assert.Equal([150L], (await RowsAsync("SELECT volume FROM trading.stock_prices_1d WHERE symbol = 'RAGG'")).Select(r => (long)r[0]!));
    }

    [Theory]
    [InlineData("CALL trading.refresh_aggregates(NULL, NULL, ARRAY['stock_prices_1m', 'stock_prices_2m'])", "aggregates holds {stock_prices_1m,stock_prices_2m}, which names no aggregate")]
    [InlineData("CALL trading.refresh_aggregates('2026-01-12', '2026-01-11')", "window_start 2026-01-12 00:00:00+00 is not before window_end 2026-01-11 00:00:00+00")]
    public async Task A_wrong_argument_is_refused_naming_its_value_and_nothing_is_refreshed(string call, string message)
    {
        RequireCommunityEdition("Continuous aggregates");
        await new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions()).MigrateAsync(Ct);
        await ExecuteAsync("INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('RAGG', '2026-01-11 15:00:00+00', 10)");

        var ex = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(call));

        Assert.Equal("22023", ex.SqlState);
        Assert.Contains(message, ex.MessageText, StringComparison.Ordinal);
        Assert.Equal(0L, await MaterializedAsync("stock_prices_1m"));
    }

    private async Task<long> MaterializedAsync(string aggregate)
    {
        var table = (string)(await RowsAsync($"""
            SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name)
            FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'trading' AND view_name = '{aggregate}'
            """)).Single()[0]!;
        return (long)(await RowsAsync($"SELECT count(*) FROM {table} WHERE symbol = 'RAGG'")).Single()[0]!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
