using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// A local S3-compatible server (s3rver from npm, pinned in tests/S3Server/package-lock.json) on 127.0.0.1 with one
/// bucket. Installs it with <c>npm ci</c> when node_modules is missing; unavailable (with the reason) only when node or
/// npm is not installed.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public const string AccessKey = "S3RVER";
    public const string Bucket = "trading-backups";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "tt-s3rver-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    public string? UnavailableReason { get; private set; }

    public string Endpoint { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var node = FindOnPath("node");
        var npm = FindOnPath("npm");
        if (node is null || npm is null)
        {
            UnavailableReason = "the S3 tests need node and npm to run s3rver, and they are not installed";
            return;
        }

        var directory = FindServerDirectory();
        var script = Path.Combine(directory, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            var install = await RunAsync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], directory, TimeSpan.FromMinutes(5));
            if (install.ExitCode != 0 || !File.Exists(script))
            {
                throw new InvalidOperationException($"npm ci in {directory} failed with exit code {install.ExitCode}: {install.Output}");
            }
        }

        Directory.CreateDirectory(_dataDirectory);
        var port = FreePort();
        var start = new ProcessStartInfo(node) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var argument in new[] { script, "-d", _dataDirectory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = $"http://127.0.0.1:{port}";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (attempt < 100 && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static string FindServerDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "S3Server");
            if (File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/S3Server/package-lock.json was not found above {AppContext.BaseDirectory}.");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var cancellation = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = process.StandardError.ReadToEndAsync(cancellation.Token);
        await process.WaitForExitAsync(cancellation.Token);
        return (process.ExitCode, await output + await error);
    }
}
