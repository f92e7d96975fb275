using System.Globalization;
using Trading.Timescale.Cli;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>Runs the <c>trading-timescale</c> command line in-process, as the tests' one way to call it.</summary>
public static class CliRunner
{
    /// <summary>Runs <paramref name="args"/> with <paramref name="input"/> (empty when null) as standard input; returns the exit code and what it wrote.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, TextReader? input = null)
    {
        input ??= new StringReader(string.Empty);
        CliContext.StandardInputOverride.Value = input;
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await CliApp.RunAsync(args, output, error, input, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }
}
