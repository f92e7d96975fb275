using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.Tests.Testing;

public sealed class DockerEngineProbeTests
{
    [Fact]
    public async Task An_engine_that_answers_ping_with_200_is_available()
    {
        await using var engine = FakeEngine.Start("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
        var result = await DockerEngineProbe.ProbeAsync(engine.DockerHost, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.True(result.Available, result.Reason);
        Assert.Equal(engine.DockerHost, result.Endpoint);
        Assert.Equal("GET /_ping HTTP/1.0", engine.FirstRequestLine());
    }

    [Fact]
    public async Task An_engine_that_answers_an_error_is_not_available_and_the_reason_quotes_it()
    {
        await using var engine = FakeEngine.Start("HTTP/1.1 500 Internal Server Error\r\n\r\n");
        var result = await DockerEngineProbe.ProbeAsync(engine.DockerHost, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.False(result.Available);
        Assert.Contains("no Docker engine answered", result.Reason, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 500 Internal Server Error", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_nobody_listens_on_fails_fast()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tt-{Guid.NewGuid():N}.sock");
        var clock = Stopwatch.StartNew();
        var result = await DockerEngineProbe.ProbeAsync("unix://" + path, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.False(result.Available);
        Assert.Contains(path, result.Reason, StringComparison.Ordinal);

        // A refused connection ends the probe at once, long before its timeout, however busy the machine is.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_engine_that_accepts_but_never_answers_times_out()
    {
        await using var engine = FakeEngine.Start(response: null);
        var clock = Stopwatch.StartNew();
        var result = await DockerEngineProbe.ProbeAsync(engine.DockerHost, TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        Assert.False(result.Available);
        Assert.Contains("no answer within 300 ms", result.Reason, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_unsupported_scheme_is_named()
    {
        var result = await DockerEngineProbe.ProbeAsync("ssh://build@host", TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(result.Available);
        Assert.Contains("'ssh' is not supported", result.Reason, StringComparison.Ordinal);
    }

    /// <summary>A Unix socket that answers one request the way a Docker engine would.</summary>
    private sealed class FakeEngine : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly string _path;
        private readonly Task _serve;
        private readonly StringBuilder _request = new();

        private FakeEngine(string path, string? response)
        {
            _path = path;
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            _listener.Listen();
            _serve = Task.Run(async () =>
            {
                using var client = await _listener.AcceptAsync();
                var buffer = new byte[1024];
                var read = await client.ReceiveAsync(buffer, SocketFlags.None);
                lock (_request)
                {
                    _request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                if (response is null)
                {
                    await Task.Delay(3000);
                    return;
                }

                await client.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None);
            });
        }

        public string DockerHost => "unix://" + _path;

        public static FakeEngine Start(string? response) =>
            new(Path.Combine(Path.GetTempPath(), $"tt-{Guid.NewGuid():N}.sock"), response);

        public string FirstRequestLine()
        {
            lock (_request)
            {
                return _request.ToString().Split("\r\n")[0];
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAny(_serve, Task.Delay(5000));
            _listener.Dispose();
            File.Delete(_path);
        }
    }
}
