using System.Globalization;
using System.IO.Pipes;
using System.Net.Sockets;
using System.Text;

namespace Trading.Timescale.Testing.Internal;

/// <summary>Whether a Docker engine answers, and where.</summary>
internal sealed record DockerProbeResult(bool Available, string Endpoint, string Reason);

/// <summary>
/// Asks the Docker engine for <c>/_ping</c> at <c>DOCKER_HOST</c>, else at the usual local sockets, with a short
/// timeout, so that machines without Docker fall through to the next strategy at once.
/// </summary>
internal static class DockerEngineProbe
{
    public static Task<DockerProbeResult> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        ProbeAsync(Environment.GetEnvironmentVariable("DOCKER_HOST"), timeout, cancellationToken);

    /// <summary>Probes <paramref name="dockerHost"/> (a <c>DOCKER_HOST</c> value), else the usual local sockets.</summary>
    public static async Task<DockerProbeResult> ProbeAsync(string? dockerHost, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var endpoints = new List<string>();
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            endpoints.Add(dockerHost.Trim());
        }
        else if (OperatingSystem.IsWindows())
        {
            endpoints.Add("npipe://./pipe/docker_engine");
        }
        else
        {
            endpoints.AddRange(DefaultSockets().Where(File.Exists).Distinct(StringComparer.Ordinal).Select(path => "unix://" + path));
            if (endpoints.Count == 0)
            {
                return new DockerProbeResult(false, "unix:///var/run/docker.sock",
                    "no Docker engine: DOCKER_HOST is not set and no Docker socket exists (/var/run/docker.sock, ~/.docker/run/docker.sock, $XDG_RUNTIME_DIR/docker.sock)");
            }
        }

        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            try
            {
                if (await PingAsync(endpoint, timeoutSource.Token).ConfigureAwait(false) is { } answer)
                {
                    failures.Add($"{endpoint}: {answer}");
                    continue;
                }

                return new DockerProbeResult(true, endpoint, $"a Docker engine answers at {endpoint}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{endpoint}: no answer within {timeout.TotalMilliseconds:0} ms"));
            }
            catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException or TimeoutException)
            {
                failures.Add($"{endpoint}: {ex.Message}");
            }
        }

        return new DockerProbeResult(false, endpoints[0], $"no Docker engine answered ({string.Join("; ", failures)})");
    }

    private static IEnumerable<string> DefaultSockets()
    {
        yield return "/var/run/docker.sock";
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, ".docker", "run", "docker.sock");
            yield return Path.Combine(home, ".docker", "desktop", "docker.sock");
        }

        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtime))
        {
            yield return Path.Combine(runtime, "docker.sock");
        }
    }

    /// <returns><see langword="null"/> when the engine answered; else why not.</returns>
    private static async Task<string?> PingAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return "not a URI such as unix:///var/run/docker.sock or tcp://host:2375";
        }

        switch (uri.Scheme)
        {
            case "unix":
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(uri.LocalPath), cancellationToken).ConfigureAwait(false);
                return await HttpPingAsync(socket, cancellationToken).ConfigureAwait(false);
            }

            case "tcp":
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(uri.Host, uri.Port > 0 ? uri.Port : 2375, cancellationToken).ConfigureAwait(false);
                var tls = Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY");
                // Behind TLS, a completed TCP connection is as far as a cheap probe goes.
                return !string.IsNullOrEmpty(tls) && tls != "0" ? null : await HttpPingAsync(socket, cancellationToken).ConfigureAwait(false);
            }

            case "npipe":
            {
                var pipeName = uri.AbsolutePath.Replace("/pipe/", string.Empty, StringComparison.Ordinal).Trim('/');
                using var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
                await pipe.ConnectAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }

            default:
                return $"the scheme '{uri.Scheme}' is not supported by the probe (use unix://, tcp:// or npipe://)";
        }
    }

    private static async Task<string?> HttpPingAsync(Socket socket, CancellationToken cancellationToken)
    {
        await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[512];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        var statusLine = answer.Split('\n')[0].Trim();
        return statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) && statusLine.Contains(" 200", StringComparison.Ordinal)
            ? null
            : $"answered '{statusLine}' instead of HTTP 200 to /_ping";
    }
}
