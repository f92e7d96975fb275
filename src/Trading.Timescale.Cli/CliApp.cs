using System.CommandLine;
using Trading.Timescale.Cli.Commands;

namespace Trading.Timescale.Cli;

/// <summary>The <c>trading-timescale</c> command line: its commands, and an entry point that tests call in-process.</summary>
internal static class CliApp
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Installs, checks and maintains the Trading.Timescale market database on PostgreSQL with TimescaleDB.");
        root.Options.Add(CliOptions.Connection);
        root.Options.Add(CliOptions.Json);
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(ScriptCommand.Create());
        root.Subcommands.Add(RetentionCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(BarsCommand.Create());
        root.Subcommands.Add(IndicatorCommand.Create());
        root.Subcommands.Add(ChainCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return CreateRootCommand().Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
