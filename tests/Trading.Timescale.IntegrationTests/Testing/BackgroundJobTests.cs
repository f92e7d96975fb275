using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>TimescaleDB's job scheduler does not run in test databases unless a test asks for it.</summary>
public sealed class BackgroundJobTests(TimescaleServerFixture fixture)
{
    private const string Scheduler = "TimescaleDB Background Worker Scheduler";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_test_database_has_no_job_scheduler_by_default()
    {
        var server = fixture.Server;
        Assert.SkipWhen(server.ServerInfo.TimescaleVersion is null, "The server has no TimescaleDB, so it has no job scheduler.");
        Assert.SkipWhen(string.Equals(Environment.GetEnvironmentVariable(TimescaleServerFixture.JobsVariable), "run", StringComparison.OrdinalIgnoreCase),
            $"{TimescaleServerFixture.JobsVariable}=run starts this run's server with jobs running, so its default is not under test.");
        await using var database = await server.CreateDatabaseAsync("jobs_paused", Ct);

        // The scheduler of a database starts within moments of CREATE EXTENSION; give it time to show.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        Assert.Equal(0, await SchedulersAsync(server, database.Name));
        Assert.True(database.BackgroundJobsPaused);

        await database.ResumeBackgroundJobsAsync(Ct);

        Assert.False(database.BackgroundJobsPaused);
        Assert.True(await WaitForAsync(async () => await SchedulersAsync(server, database.Name) == 1), "the scheduler should start once jobs are resumed");

        await database.PauseBackgroundJobsAsync(Ct);

        Assert.True(database.BackgroundJobsPaused);
        Assert.True(await WaitForAsync(async () => await SchedulersAsync(server, database.Name) == 0), "the scheduler should stop once jobs are paused");
    }

    [Fact]
    public async Task The_option_lets_the_scheduler_run_in_new_databases_and_dispose_drops_a_paused_one()
    {
        Assert.SkipWhen(fixture.Server.ServerInfo.TimescaleVersion is null, "The server has no TimescaleDB, so it has no job scheduler.");
        await using var server = await TimescaleTestServer.StartAsync(
            new TimescaleTestServerOptions { ConnectionString = fixture.Server.ConnectionString, BackgroundJobs = true }, Ct);
        await using var running = await server.CreateDatabaseAsync("jobs_running", Ct);

        Assert.False(running.BackgroundJobsPaused);
        Assert.True(await WaitForAsync(async () => await SchedulersAsync(server, running.Name) == 1), "the scheduler should run when BackgroundJobs is on");

        var paused = await fixture.Server.CreateDatabaseAsync("jobs_dropped", Ct);
        await paused.DisposeAsync();
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = paused.Name } } };
        Assert.Equal(0L, await exists.ExecuteScalarAsync(Ct));
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200, Ct);
        }

        return true;
    }

    internal static async Task<long> SchedulersAsync(TimescaleTestServer server, string database)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND backend_type = $2", connection)
        {
            Parameters = { new() { Value = database }, new() { Value = Scheduler } },
        };
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
