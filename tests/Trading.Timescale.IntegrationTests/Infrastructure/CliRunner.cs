using System.Diagnostics;
using System.Globalization;
using Trading.Timescale.Cli;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>Runs the <c>trading-timescale</c> command line: in-process, or as a child process where its environment matters.</summary>
public static class CliRunner
{
    /// <summary>Runs <paramref name="args"/> with <paramref name="input"/> (empty when null) as standard input; returns the exit code and what it wrote.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, TextReader? input = null)
    {
        input ??= new StringReader(string.Empty);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await CliApp.RunAsync(args, output, error, input, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the command line as a child process with extra environment variables (read by the child only, not this process).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        // The dotnet host that runs this process's runtime (the test assembly itself is an executable of its own).
        var dotnet = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trading-timescale.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output, await error);
    }
}
