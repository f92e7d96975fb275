using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Ingest;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>A query builder on a pooled connection that an immediate-mode server restart broke.</summary>
public sealed class QueryRetryTests(RestartableServerFixture fixture) : RestartableServerTest(fixture, "queryretry")
{

    [Fact]
    public async Task A_query_on_a_pooled_connection_broken_by_a_restart_is_retried_once_and_returns_the_same_rows()
    {
        await using var trading = TradingDatabase.Create(Database.ConnectionString);
        await trading.Ingest.AppendAsync(MarketData.Bars(600, symbols: 3), cancellationToken: Ct);
        var query = trading.Queries.Bars("S001", BarInterval.FiveMinutes);
        var before = await query.ToListAsync(Ct);
        // A plain command on a second pool proves the restart breaks pooled connections.
        await using var plain = NpgsqlDataSource.Create(Database.ConnectionString);
        await using (var warm = plain.CreateCommand("SELECT 1"))
        {
            await warm.ExecuteScalarAsync(Ct);
        }

        using var retries = new RetryCounter(Database.Name);
        await Server.RestartServerAsync(Ct);

        await using (var broken = plain.CreateCommand("SELECT 1"))
        {
            var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => broken.ExecuteScalarAsync(Ct));
            Assert.True(error is PostgresException { SqlState: "57P01" } || error.InnerException is IOException, error.ToString());
        }

        var after = await query.ToListAsync(Ct);

        Assert.Equal(before.Count, after.Count);
        Assert.Equal(before, after);
        Assert.Equal([("query.BarQuery", retries.Retries.Single().Error)], retries.Retries.ToArray());
    }
}
