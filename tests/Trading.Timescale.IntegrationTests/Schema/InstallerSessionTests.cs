using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;
using Trading.Timescale.Schema.Internal;

namespace Trading.Timescale.IntegrationTests.Schema;

public sealed class InstallerSessionTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrating_leaves_no_settings_and_no_lock_on_the_pooled_connection()
    {
        // One pooled connection that keeps its session state on return (No Reset On Close), as many applications configure.
        var pooled = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { MaxPoolSize = 1, NoResetOnClose = true };
        await using var dataSource = NpgsqlDataSource.Create(pooled.ConnectionString);
        int pooledPid;
        await using (var first = await dataSource.OpenConnectionAsync(Ct))
        {
            pooledPid = first.ProcessID;
        }

        var report = await new TradingSchemaInstaller(dataSource, new TradingTimescaleOptions { ExchangeTimeZone = "Europe/London" }).MigrateAsync(Ct);

        await using var connection = await dataSource.OpenConnectionAsync(Ct);
        Assert.NotEmpty(report.Applied);
        Assert.Equal(pooledPid, connection.ProcessID);
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('trading_timescale.exchange_time_zone', true), current_setting('trading_timescale.edition', true)", connection);
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            Assert.True(await reader.ReadAsync(Ct));
            Assert.True(reader.IsDBNull(0) || reader.GetString(0).Length == 0, $"the pooled session kept exchange_time_zone '{(reader.IsDBNull(0) ? null : reader.GetString(0))}'");
            Assert.True(reader.IsDBNull(1) || reader.GetString(1).Length == 0, "the pooled session kept trading_timescale.edition");
        }

        Assert.Equal(0L, await SchemaLockHoldersAsync(connection));
    }

    [Fact]
    public async Task Migrating_through_a_multiplexing_data_source_applies_every_file_and_releases_the_lock()
    {
        var multiplexing = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Multiplexing = true };
        await using var dataSource = NpgsqlDataSource.Create(multiplexing.ConnectionString);
        var installer = new TradingSchemaInstaller(dataSource, new TradingTimescaleOptions());

        var report = await installer.MigrateAsync(Ct);
        var again = await new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions()).MigrateAsync(Ct);

        Assert.NotEmpty(report.Applied);
        Assert.Empty(again.Applied);
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        Assert.Equal(0L, await SchemaLockHoldersAsync(connection));
    }

    private static async Task<long> SchemaLockHoldersAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FROM pg_catalog.pg_locks
            WHERE locktype = 'advisory' AND objsubid = 1
              AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
              AND classid::bigint = ($1 >> 32) AND objid::bigint = ($1 & 4294967295)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SchemaLock.Key });
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
