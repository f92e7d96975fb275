using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.ScaleOut;

/// <summary>The Testing package's streaming standby: cloned, replaying, paused, resumed and promoted on real servers.</summary>
public sealed class StandbyServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_standby_replays_the_primary_pauses_and_resumes_and_takes_writes_after_promotion()
    {
        await using var primary = await TimescaleTestServer.StartAsync(RestartableServerFixture.Options(), Ct);
        await using var standby = await primary.AddStandbyAsync(Ct);
        // The primary is stopped below, so the database goes with the cluster rather than by a DROP.
        var database = await primary.CreateDatabaseAsync("standby_basics", Ct);
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(primary.ConnectionString).Port, standby.Port);

        await ExecuteAsync(database.ConnectionString, "CREATE TABLE t (v int); INSERT INTO t VALUES (1)");
        await standby.WaitForReplayAsync(Ct);
        var onStandby = standby.ConnectionStringFor(database.Name);
        Assert.Equal((standby.Port, true), await ServerIdentity.OfAsync(onStandby, Ct));
        Assert.Equal(1L, await CountAsync(onStandby));
        var readOnly = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(onStandby, "INSERT INTO t VALUES (9)"));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, readOnly.SqlState);

        await standby.PauseReplayAsync(Ct);
        await ExecuteAsync(database.ConnectionString, "INSERT INTO t VALUES (2)");
        await Task.Delay(300, Ct);
        Assert.Equal(1L, await CountAsync(onStandby));
        await standby.ResumeReplayAsync(Ct);
        await standby.WaitForReplayAsync(Ct);
        Assert.Equal(2L, await CountAsync(onStandby));

        // The multi-host string lists the primary first, then the standby.
        var multiHost = new NpgsqlConnectionStringBuilder(primary.MultiHostConnectionString(database, standby));
        Assert.Equal($"127.0.0.1:{new NpgsqlConnectionStringBuilder(primary.ConnectionString).Port},127.0.0.1:{standby.Port}", multiHost.Host);

        await primary.StopServerAsync(Ct);
        await standby.PromoteAsync(Ct);
        Assert.Equal((standby.Port, false), await ServerIdentity.OfAsync(onStandby, Ct));
        await ExecuteAsync(onStandby, "INSERT INTO t VALUES (3)");
        Assert.Equal(3L, await CountAsync(onStandby));
        var promoted = await Assert.ThrowsAsync<InvalidOperationException>(() => standby.PauseReplayAsync(Ct));
        Assert.Contains("not a standby", promoted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_a_standby_stops_it_and_deletes_its_directory()
    {
        await using var primary = await TimescaleTestServer.StartAsync(RestartableServerFixture.Options(), Ct);
        var standby = await primary.AddStandbyAsync(Ct);
        var directory = Path.GetDirectoryName(standby.DataDirectory)!;
        Assert.True(File.Exists(Path.Combine(standby.DataDirectory, "standby.signal")));
        Assert.DoesNotContain(await File.ReadAllTextAsync(Path.Combine(standby.DataDirectory, "postgresql.auto.conf"), Ct),
            new NpgsqlConnectionStringBuilder(primary.ConnectionString).Password!, StringComparison.Ordinal);
        await standby.DisposeAsync();
        Assert.False(Directory.Exists(directory));
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(standby.ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync(Ct));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> CountAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM t", connection);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
