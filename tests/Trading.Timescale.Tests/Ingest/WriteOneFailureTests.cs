using System.Net;
using System.Net.Sockets;
using Npgsql;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Tests.Ingest;

public class WriteOneFailureTests
{
    [Fact]
    public async Task A_server_that_cannot_be_reached_is_an_IngestException_naming_the_table_and_row()
    {
        await using var dataSource = new NpgsqlDataSourceBuilder($"Host=127.0.0.1;Port={ClosedPort()};Timeout=3;Username=app;Password=hidden-pw").Build();
        var ingest = new TradingIngest(dataSource);
        var signal = new TradingSignal
        {
            Symbol = "NVDA",
            SignalType = SignalType.Buy,
            Confidence = 0.8m,
            ModelVersion = "lstm-3",
            Timestamp = NodaTime.SystemClock.Instance.GetCurrentInstant(),
        };
        var systemEvent = new SystemEvent { EventType = "start", Severity = EventSeverity.Info, Source = "risk", Message = "up", Timestamp = signal.Timestamp };

        var signalError = await Assert.ThrowsAsync<TradingIngestException>(() => ingest.WriteSignalAsync(signal, TestContext.Current.CancellationToken));
        var eventError = await Assert.ThrowsAsync<TradingIngestException>(() => ingest.WriteEventAsync(systemEvent, TestContext.Current.CancellationToken));

        Assert.Equal("trading.signals", signalError.Table);
        Assert.Equal("trading.system_events", eventError.Table);
        Assert.StartsWith("Writing NVDA lstm-3", signalError.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", signalError.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(signalError.InnerException);
        Assert.Equal(0, signalError.Progress.RowsCommitted);
        Assert.DoesNotContain("hidden-pw", signalError.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
