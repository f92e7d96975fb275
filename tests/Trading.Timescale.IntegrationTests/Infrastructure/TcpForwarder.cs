using System.Net;
using System.Net.Sockets;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>
/// Listens on a loopback port and relays each connection to a real server: a server that "starts accepting" on that
/// port only when the forwarder starts. Armed with <see cref="CutNextCommit"/>, it cuts the connection that sends the
/// next COMMIT, either before the COMMIT reaches the server (the transaction rolls back) or after the server answered
/// it (the transaction is committed, but the client never hears so): the client sees its connection drop during
/// COMMIT and cannot know the outcome.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    // The simple-protocol Query message Npgsql sends to commit: 'Q', length 11, "COMMIT\0".
    private static readonly byte[] CommitMessage = [(byte)'Q', 0, 0, 0, 11, .. "COMMIT"u8, 0];

    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _armed;
    private int _cuts;

    private TcpForwarder(int port, string targetHost, int targetPort)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _targetHost = targetHost;
        _targetPort = targetPort;
        _accepting = AcceptAsync();
    }

    /// <summary>Where <see cref="CutNextCommit"/> cuts the connection.</summary>
    public enum Cut
    {
        /// <summary>The COMMIT never reaches the server.</summary>
        BeforeCommit = 1,

        /// <summary>The server commits; its answer never reaches the client.</summary>
        AfterCommit = 2,
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>How many connections were cut at a COMMIT.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Relays <paramref name="port"/> (0: any free port) to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static TcpForwarder Start(int port, string targetHost, int targetPort) => new(port, targetHost, targetPort);

    /// <summary>A loopback port that nothing listens on (for now).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Cuts the next COMMIT that passes, the way <paramref name="cut"/> says.</summary>
    public void CutNextCommit(Cut cut) => Volatile.Write(ref _armed, (int)cut);

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
            using var relay = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var swallowAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                await Task.WhenAny(
                    RelayClientAsync(client.GetStream(), server.GetStream(), swallowAnswer, relay.Token),
                    RelayServerAsync(server.GetStream(), client.GetStream(), swallowAnswer, relay.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side closed.
            }

            await relay.CancelAsync();
            client.Client.Close(0);
            server.Client.Close(0);
        }
    }

    private async Task RelayClientAsync(Stream from, Stream to, TaskCompletionSource swallowAnswer, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            var armed = Volatile.Read(ref _armed);
            if (armed != 0 && buffer.AsSpan(0, read).IndexOf(CommitMessage) >= 0 && Interlocked.CompareExchange(ref _armed, 0, armed) == armed)
            {
                Interlocked.Increment(ref _cuts);
                if ((Cut)armed == Cut.BeforeCommit)
                {
                    return;
                }

                swallowAnswer.TrySetResult();
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static async Task RelayServerAsync(Stream from, Stream to, TaskCompletionSource swallowAnswer, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0 || swallowAnswer.Task.IsCompleted)
            {
                // Closed, or the server answered the COMMIT (it committed): that answer and the connection are dropped.
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }
}
