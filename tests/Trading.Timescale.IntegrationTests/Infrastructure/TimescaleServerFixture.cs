using Trading.Timescale.Testing;

[assembly: AssemblyFixture(typeof(Trading.Timescale.IntegrationTests.Infrastructure.TimescaleServerFixture))]

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>One server for the whole test run: TRADING_TIMESCALE_CONNECTION, else Docker, else a throwaway local cluster.</summary>
public sealed class TimescaleServerFixture : IAsyncLifetime
{
    /// <summary>The start of the line that names the edition under test; build.sh repeats it next to the test summary.</summary>
    public const string EditionLinePrefix = "Tested edition:";

    /// <summary>Set to <c>run</c> to let TimescaleDB background jobs run in the test databases.</summary>
    public const string JobsVariable = "TRADING_TIMESCALE_TEST_JOBS";

    private TimescaleTestServer? _server;

    public TimescaleTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync()
    {
        // Jobs are paused in test databases; TRADING_TIMESCALE_TEST_JOBS=run lets them run by wall clock, as in production.
        var jobs = Environment.GetEnvironmentVariable(JobsVariable);
        _server = await TimescaleTestServer.StartAsync(
            new TimescaleTestServerOptions { BackgroundJobs = string.Equals(jobs, "run", StringComparison.OrdinalIgnoreCase) },
            TestContext.Current.CancellationToken);
        // Shown by the runner because xunit.runner.json turns diagnostic messages on.
        TestContext.Current.SendDiagnosticMessage(
            $"{EditionLinePrefix} {_server.Edition.ToString().ToLowerInvariant()} ({_server.Describe()}), background jobs {(string.Equals(jobs, "run", StringComparison.OrdinalIgnoreCase) ? "running" : "paused")}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
