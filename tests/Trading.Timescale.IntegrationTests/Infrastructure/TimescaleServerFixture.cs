using Trading.Timescale.Testing;

[assembly: AssemblyFixture(typeof(Trading.Timescale.IntegrationTests.Infrastructure.TimescaleServerFixture))]

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>One server for the whole test run: TRADING_TIMESCALE_CONNECTION, else Docker, else a throwaway local cluster.</summary>
public sealed class TimescaleServerFixture : IAsyncLifetime
{
    /// <summary>The start of the line that names the edition under test; build.sh repeats it next to the test summary.</summary>
    public const string EditionLinePrefix = "Tested edition:";

    private TimescaleTestServer? _server;

    public TimescaleTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync()
    {
        _server = await TimescaleTestServer.StartAsync(TestContext.Current.CancellationToken);
        // Shown by the runner because xunit.runner.json turns diagnostic messages on.
        TestContext.Current.SendDiagnosticMessage(
            $"{EditionLinePrefix} {_server.Edition.ToString().ToLowerInvariant()} ({_server.Describe()})");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
