using Trading.Timescale.Testing;

namespace DocumentationExamples;

/// <summary>The samples of docs/testing.md (the fixture sample is in TestingFixturePage.cs).</summary>
internal static class TestingPage
{
    public static async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var server = await TimescaleTestServer.StartAsync(cancellationToken);
        Console.WriteLine(server.Describe());
        // PostgreSQL 15.20, TimescaleDB 2.19.3 (apache edition) via local cluster on 127.0.0.1:40385
    }

    public static async Task WithOptionsAsync(CancellationToken cancellationToken)
    {
        var options = new TimescaleTestServerOptions
        {
            ConnectionString = null,                                  // an explicit server wins over everything
            ConnectionStringVariable = "TRADING_TIMESCALE_CONNECTION", // null: ignore the environment
            UseContainer = true,
            ContainerImage = TimescaleTestServerOptions.DefaultContainerImage,
            DockerProbeTimeout = TimeSpan.FromSeconds(1),
            UseLocalCluster = true,
            PostgresBinDirectory = null,
            ClusterRoot = null,
            ServerOsUser = "postgres",
            StartTimeout = TimeSpan.FromMinutes(2),
            BackgroundJobs = false,                                   // TimescaleDB jobs stay paused in test databases
        };
        await using var server = await TimescaleTestServer.StartAsync(options, cancellationToken);
        Console.WriteLine(server.Describe());
    }
}
