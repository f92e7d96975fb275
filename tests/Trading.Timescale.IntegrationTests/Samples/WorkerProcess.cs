using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Trading.Timescale.IntegrationTests.Samples;

/// <summary>
/// samples/WorkerService run as its own process against a database given through the environment (never the command
/// line): its console lines, its health endpoint, SIGINT, and the rows it says it acknowledged when it stopped.
/// </summary>
public sealed partial class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Lines { get; } = new();

    public string Url { get; private set; } = string.Empty;

    public string Output => string.Join('\n', Lines);

    public int ExitCode => _process.ExitCode;

    /// <summary>How many batches the worker has acknowledged so far.</summary>
    public int Acknowledged => Lines.Count(l => l.Contains("Acknowledged batch", StringComparison.Ordinal));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the worker and waits until it listens.</summary>
    public static async Task<WorkerProcess> StartAsync(string connectionString, params string[] arguments)
    {
        var worker = SampleAssembly.Path("WorkerService");
        var start = new ProcessStartInfo("dotnet", [worker, "--urls", "http://127.0.0.1:0", "--Feed:Interval", "00:00:00.100", .. arguments])
        {
            WorkingDirectory = Path.GetDirectoryName(worker)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment[TradingConnectionString.EnvironmentVariable] = connectionString;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new WorkerProcess(new Process { StartInfo = start });
        process._process.OutputDataReceived += (_, e) => { if (e.Data is not null) { process.Lines.Enqueue(e.Data); } };
        process._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { process.Lines.Enqueue(e.Data); } };
        process._process.Start();
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        process.Url = await process.WaitForAsync(() => process.Lines.Select(l => Listening().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value);
        return process;
    }

    /// <summary>Waits (up to 2 minutes) until <paramref name="probe"/> returns a value while the worker runs.</summary>
    public async Task<T> WaitForAsync<T>(Func<T?> probe)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (probe() is { } found)
            {
                return found;
            }

            Assert.False(_process.HasExited, "the worker exited early:\n" + Output);
            await Task.Delay(100, Ct);
        }

        throw new TimeoutException("the worker did not get there in 2 minutes:\n" + Output);
    }

    /// <summary>Waits until GET /health answers <paramref name="code"/>, and returns that answer.</summary>
    public async Task<(HttpStatusCode Code, string Status, string CheckStatus, string Description, string Body)> WaitForHealthAsync(HttpStatusCode code)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var health = await HealthAsync();
            if (health.Code == code || deadline.Elapsed > TimeSpan.FromMinutes(1))
            {
                Assert.True(health.Code == code, $"GET /health answered {health.Code} for a minute: {health.Body}");
                return health;
            }

            await Task.Delay(200, Ct);
        }
    }

    /// <summary>Waits until <paramref name="count"/> more batches than now are acknowledged.</summary>
    public Task WaitForMoreBatchesAsync(int count)
    {
        var target = Acknowledged + count;
        return WaitForAsync(() => Acknowledged >= target ? "ok" : null);
    }

    /// <summary>GET /health: the HTTP status and the overall and trading-timescale check statuses and description.</summary>
    public async Task<(HttpStatusCode Code, string Status, string CheckStatus, string Description, string Body)> HealthAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri(Url + "/health"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        using var report = JsonDocument.Parse(body);
        var check = report.RootElement.GetProperty("checks").GetProperty("trading-timescale");
        return (response.StatusCode, report.RootElement.GetProperty("status").GetString()!, check.GetProperty("status").GetString()!,
            check.GetProperty("description").GetString() ?? string.Empty, body);
    }

    /// <summary>
    /// Whether a health report is sound: Healthy, or Degraded only because TimescaleDB jobs failed their last run (job
    /// runs are TimescaleDB's business: a server may run or fail them at any time).
    /// </summary>
    public static bool IsSound(string status, string description) =>
        status == "Healthy" || (status == "Degraded" && description.Split("; ").All(f => f.StartsWith("job ", StringComparison.Ordinal) && f.Contains("failed its last run", StringComparison.Ordinal)));

    /// <summary>Sends SIGINT, waits for the exit, and returns the rows the worker said it acknowledged.</summary>
    public async Task<long> InterruptAsync()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(1)");
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        using var exited = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        exited.CancelAfter(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(exited.Token);
        _process.WaitForExit();
        Assert.True(_process.ExitCode == 0, $"exit code {_process.ExitCode}:\n{Output}");
        var stopped = Lines.Select(l => Stopped().Match(l)).LastOrDefault(m => m.Success);
        Assert.True(stopped is not null, "no 'Stopped: acknowledged' line:\n" + Output);
        return long.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"^Stopped: acknowledged (\d+) rows in (\d+) batches")]
    private static partial Regex Stopped();
}
