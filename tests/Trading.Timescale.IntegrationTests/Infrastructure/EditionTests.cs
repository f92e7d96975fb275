using Npgsql;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>The edition the run reports is the edition the server behaves as.</summary>
public sealed class EditionTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private const string Hypertable = """
        CREATE TABLE ticks (ts timestamptz NOT NULL, price numeric NOT NULL);
        SELECT create_hypertable('ticks', 'ts', chunk_time_interval => interval '1 day');
        INSERT INTO ticks SELECT timestamptz '2026-01-05 14:00:00+00' + n * interval '1 minute', 100 + n FROM generate_series(0, 119) AS n;
        """;

    [Fact]
    public void The_database_reports_the_same_edition_as_the_server()
    {
        Assert.NotEqual(TimescaleEdition.None, Edition);
        Assert.Equal(ServerFixture.Server.Edition, Edition);
        Assert.True(Database.ServerInfo.ExtensionInstalled);
    }

    [Fact]
    public async Task Continuous_aggregates_refresh_on_the_community_edition()
    {
        RequireCommunityEdition("Continuous aggregates");
        var ct = TestContext.Current.CancellationToken;
        await using (var setup = DataSource.CreateCommand(Hypertable))
        {
            await setup.ExecuteNonQueryAsync(ct);
        }

        await using (var view = DataSource.CreateCommand("""
            CREATE MATERIALIZED VIEW ticks_1h WITH (timescaledb.continuous) AS
            SELECT time_bucket('1 hour', ts) AS bucket, count(*) AS n, max(price) AS high FROM ticks GROUP BY bucket WITH NO DATA
            """))
        {
            await view.ExecuteNonQueryAsync(ct);
        }

        await using (var refresh = DataSource.CreateCommand("CALL refresh_continuous_aggregate('ticks_1h', NULL, NULL)"))
        {
            await refresh.ExecuteNonQueryAsync(ct);
        }

        await using var read = DataSource.CreateCommand("SELECT string_agg(n || ':' || high, ',' ORDER BY bucket) FROM ticks_1h");
        Assert.Equal("60:159,60:219", await read.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task The_apache_edition_refuses_continuous_aggregates_with_a_license_error()
    {
        Assert.SkipUnless(Edition == TimescaleEdition.Apache,
            $"This checks the apache edition's refusal; this server runs the {Edition.ToString().ToLowerInvariant()} edition.");
        var ct = TestContext.Current.CancellationToken;
        await using (var setup = DataSource.CreateCommand(Hypertable))
        {
            await setup.ExecuteNonQueryAsync(ct);
        }

        await using var view = DataSource.CreateCommand("""
            CREATE MATERIALIZED VIEW ticks_1h WITH (timescaledb.continuous) AS
            SELECT time_bucket('1 hour', ts) AS bucket, count(*) AS n FROM ticks GROUP BY bucket WITH NO DATA
            """);
        var error = await Assert.ThrowsAsync<PostgresException>(() => view.ExecuteNonQueryAsync(ct));
        Assert.Contains("\"apache\" license", error.MessageText, StringComparison.Ordinal);

        // What the apache edition does offer works: hypertable chunks and time_bucket.
        await using var buckets = DataSource.CreateCommand("SELECT count(DISTINCT time_bucket('1 hour', ts)) FROM ticks");
        Assert.Equal(2L, await buckets.ExecuteScalarAsync(ct));
    }
}
