using Trading.Timescale.Testing;

[assembly: AssemblyFixture(typeof(Trading.Timescale.IntegrationTests.Infrastructure.TimescaleServerFixture))]

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>One server for the whole test run.</summary>
public sealed class TimescaleServerFixture : IAsyncLifetime
{
    private TimescaleTestServer? _server;

    public TimescaleTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync()
    {
        _server = await TimescaleTestServer.StartAsync(TestContext.Current.CancellationToken);
        TestContext.Current.SendDiagnosticMessage($"Integration tests run on {_server.ServerInfo} ({_server.Kind}).");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
