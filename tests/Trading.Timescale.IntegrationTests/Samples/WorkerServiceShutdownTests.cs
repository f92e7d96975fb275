using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Samples;

/// <summary>
/// Runs samples/WorkerService as its own process against the test database, checks its health endpoint and console
/// telemetry, stops it with SIGINT (Ctrl+C) and compares the rows it acknowledged with the rows in the table.
/// </summary>
public sealed partial class WorkerServiceShutdownTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ctrl_c_stops_the_worker_with_every_acknowledged_batch_in_the_database()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(1)");
        var worker = SampleAssembly.Path("WorkerService");
        var start = new ProcessStartInfo("dotnet", [worker, "--urls", "http://127.0.0.1:0", "--Feed:Interval", "00:00:00.100"])
        {
            WorkingDirectory = Path.GetDirectoryName(worker)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The connection goes through the environment, never the command line.
        start.Environment[TradingConnectionString.EnvironmentVariable] = Database.ConnectionString;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var lines = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = await WaitForAsync(lines, process, () => lines.Select(l => Listening().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value);
            await WaitForAsync(lines, process, () => lines.Count(l => l.Contains("Acknowledged batch", StringComparison.Ordinal)) >= 5 ? "ok" : null);
            using var http = new HttpClient();
            var health = await http.GetAsync(new Uri(url + "/health"), Ct);
            var body = await health.Content.ReadAsStringAsync(Ct);
            Assert.True(health.IsSuccessStatusCode, body);
            // Job runs are TimescaleDB's business (a server may run or fail them at any time): every other finding is this test's.
            using (var report = System.Text.Json.JsonDocument.Parse(body))
            {
                var check = report.RootElement.GetProperty("checks").GetProperty("trading-timescale");
                var status = check.GetProperty("status").GetString();
                var findings = (check.GetProperty("description").GetString() ?? string.Empty).Split("; ");
                Assert.True(
                    status == "Healthy" || (status == "Degraded" && findings.All(f => f.StartsWith("job ", StringComparison.Ordinal) && f.Contains("failed its last run", StringComparison.Ordinal))),
                    body);
            }

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(Ct);
            }

            using var exited = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            exited.CancelAfter(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(exited.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.WaitForExit();
        var output = string.Join('\n', lines);
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{output}");
        var stopped = lines.Select(l => Stopped().Match(l)).LastOrDefault(m => m.Success);
        Assert.True(stopped is not null, "no 'Stopped: acknowledged' line:\n" + output);
        var acknowledged = long.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Contains("trading_timescale.ingest.append", output, StringComparison.Ordinal);

        await using var count = DataSource.CreateCommand("SELECT count(*) FROM trading.stock_prices");
        Assert.True(acknowledged >= 40, $"acknowledged {acknowledged}");
        Assert.Equal(acknowledged, (long)(await count.ExecuteScalarAsync(Ct))!);
    }

    private static async Task<string> WaitForAsync(ConcurrentQueue<string> lines, Process process, Func<string?> probe)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (probe() is { } found)
            {
                return found;
            }

            Assert.False(process.HasExited, "the worker exited early:\n" + string.Join('\n', lines));
            await Task.Delay(100, Ct);
        }

        throw new TimeoutException("the worker did not get there in 2 minutes:\n" + string.Join('\n', lines));
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"^Stopped: acknowledged (\d+) rows in (\d+) batches")]
    private static partial Regex Stopped();
}
