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
        root.Options.Add(CliOptions.ConnectionFile);
        root.Options.Add(CliOptions.Json);
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(ScriptCommand.Create());
        root.Subcommands.Add(RetentionCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(MaintainCommand.Create());
        root.Subcommands.Add(QualityCommand.Create());
        root.Subcommands.Add(RolesCommand.Create());
        root.Subcommands.Add(SetupCommand.Create());
        root.Subcommands.Add(BackupCommand.Create());
        root.Subcommands.Add(RestoreCommand.Create());
        root.Subcommands.Add(CloneCommand.Create());
        root.Subcommands.Add(BackupsCommand.Create());
        root.Subcommands.Add(BarsCommand.Create());
        root.Subcommands.Add(IndicatorCommand.Create());
        root.Subcommands.Add(ScreenCommand.Create());
        root.Subcommands.Add(ChainCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers; returns the exit code.</summary>
    /// <remarks>Parse errors are written in the common error format (<c>trading-timescale: MESSAGE</c>), without the help text.</remarks>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        // With no arguments at all, the help is the answer rather than an error.
        var parseResult = CreateRootCommand().Parse(args.Length == 0 ? ["--help"] : args);
        if (parseResult.Errors.Count > 0)
        {
            return CliContext.ReportParseErrorsAsync(parseResult, error);
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return parseResult.InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>Like <see cref="RunAsync(string[], TextWriter, TextWriter, CancellationToken)"/>, reading standard input from <paramref name="input"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, CancellationToken cancellationToken = default)
    {
        CliContext.StandardInputOverride.Value = input;
        try
        {
            return await RunAsync(args, output, error, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CliContext.StandardInputOverride.Value = null;
        }
    }
}
