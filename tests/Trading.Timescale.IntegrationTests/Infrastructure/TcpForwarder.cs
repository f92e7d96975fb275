using System.Net;
using System.Net.Sockets;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>
/// Listens on a loopback port and relays each connection to a real server: a server that "starts accepting" on that
/// port only when the forwarder starts.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private TcpForwarder(int port, string targetHost, int targetPort)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _targetHost = targetHost;
        _targetPort = targetPort;
        _accepting = AcceptAsync();
    }

    public static TcpForwarder Start(int port, string targetHost, int targetPort) => new(port, targetHost, targetPort);

    /// <summary>A loopback port that nothing listens on (for now).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                var a = client.GetStream();
                var b = server.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side closed.
            }
        }
    }
}
