using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Trading.Timescale.Cli;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Cli;

/// <summary>
/// Every command's failures in the one error format: each line on standard error is <c>trading-timescale: MESSAGE</c>,
/// nothing goes to standard output, and the exit code is 1, for a bad argument and for a failure at run time (an
/// unreachable server, or a bad value the command itself checks).
/// </summary>
public sealed class CliErrorFormatTests : IDisposable
{
    private const string Password = "unreachable-secret-7";

    private readonly string _directory = Directory.CreateTempSubdirectory("cli-errors-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Each command with arguments that parse but fail when it runs: most reach for the (unreachable) server.</summary>
    private static readonly (string Command, string[] Arguments)[] Runs =
    [
        ("migrate", []),
        ("status", []),
        ("health", []),
        ("script", ["--edition", "community", "--set", "Retention:NoSuchTable=3 days"]),
        ("retention", []),
        ("import", ["stock_prices", "--file", "{csv}"]),
        ("stats", []),
        ("maintain", []),
        ("quality", []),
        ("roles apply", ["--analytics-user", "analyst", "--app-user", "app"]),
        ("setup", ["--database", "trading_db", "--owner", "trading_admin"]),
        ("backup", ["full", "--output", "{dir}"]),
        ("restore", ["full", "{dir}/missing.dump"]),
        ("clone", ["trading_db", "trading_copy"]),
        ("backups", ["prune", "--directory", "{dir}", "--retention-days", "-1"]),
        ("bars", ["AAPL", "--interval", "1m", "--from", "2026-03-09T14:30:00Z", "--to", "2026-03-09T15:30:00Z"]),
        ("indicator", ["rsi", "AAPL", "--interval", "5m"]),
        ("chain", ["AAPL"]),
        ("screen", ["--interval", "5m"]),
        ("export bars", ["--from", "2026-11-30", "--to", "2026-12-01", "--output", "{dir}/bars"]),
        ("export options", ["--from", "2026-11-30", "--to", "2026-12-01", "--output", "{dir}/options"]),
        ("export signals", ["--from", "2026-11-30", "--to", "2026-12-01", "--output", "{dir}/signals"]),
        ("export outcomes", ["--from", "2026-11-30", "--to", "2026-12-01", "--output", "{dir}/outcomes"]),
        ("export features", ["--interval", "5m", "--from", "2026-11-30", "--to", "2026-12-01", "--indicators", "rsi:14", "--output", "{dir}/features"]),
        ("watch bars", ["AAPL", "--interval", "1m"]),
        ("watch signals", ["--min-confidence", "0.5"]),
    ];

    public static TheoryData<string, string[]> FailingRuns()
    {
        var data = new TheoryData<string, string[]>();
        foreach (var (command, arguments) in Runs)
        {
            data.Add(command, arguments);
        }

        return data;
    }

    [Fact]
    public void Every_command_is_in_the_list_of_failing_runs()
    {
        Assert.Equal(Leaves(CliApp.CreateRootCommand(), string.Empty).Order(StringComparer.Ordinal), Runs.Select(r => r.Command).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FailingRuns))]
    public async Task A_failure_at_run_time_is_one_line_in_the_common_format(string command, string[] arguments)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "bars.csv"), "symbol,timestamp,close_price\nAAPL,2026-03-09T14:30:00Z,10.5\n", Ct);
        string[] args = [.. command.Split(' '), .. arguments.Select(Fill), "--connection-file", await ConnectionFileAsync()];

        var (exit, output, error) = await RunAsync(args);

        var line = Assert.Single(Lines(error));
        AssertFormat(exit, output, error);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
        if (line.Contains("connect", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Contains("[connection: Host=127.0.0.1;Port=", line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(FailingRuns))]
    public async Task A_bad_argument_is_reported_in_the_common_format_with_where_to_find_the_usage(string command, string[] arguments)
    {
        // The unreachable connection keeps the environment's connection variables out of it.
        var (exit, output, error) = await RunAsync([.. command.Split(' '), .. arguments.Select(Fill), "--no-such-option", "--connection-file", await ConnectionFileAsync()]);

        AssertFormat(exit, output, error);
        Assert.Contains("--no-such-option", error, StringComparison.Ordinal);
        if (command is not ("backup" or "watch bars"))   // their lists (tables, symbols) take any word; their own checks name it
        {
            Assert.Equal(
                ["trading-timescale: Unrecognized command or argument '--no-such-option'.", $"trading-timescale: run 'trading-timescale {command} --help' for usage."],
                Lines(error));
        }
    }

    private static void AssertFormat(int exit, string output, string error)
    {
        Assert.True(exit == 1, $"exit {exit}\n{error}");
        Assert.Equal(string.Empty, output);
        Assert.NotEmpty(Lines(error));
        Assert.All(Lines(error), line => Assert.Matches(@"^trading-timescale: \S", line));
    }

    private string Fill(string argument) => argument
        .Replace("{csv}", Path.Combine(_directory, "bars.csv"), StringComparison.Ordinal)
        .Replace("{dir}", _directory, StringComparison.Ordinal);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IEnumerable<string> Leaves(Command command, string path) => command.Subcommands.Count == 0
        ? [path]
        : command.Subcommands.SelectMany(c => Leaves(c, path.Length == 0 ? c.Name : $"{path} {c.Name}"));

    /// <summary>A connection file naming a loopback port nothing listens on, with a password that must never be shown.</summary>
    private async Task<string> ConnectionFileAsync()
    {
        var path = Path.Combine(_directory, "connection");
        await File.WriteAllTextAsync(path, $"Host=127.0.0.1;Port={ClosedPort()};Database=trading_db;Username=trader;Password={Password};Timeout=5", Ct);
        return path;
    }

    /// <summary>A loopback port nothing listens on: bound to find a free one, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args) => CliRunner.RunAsync(args);
}
