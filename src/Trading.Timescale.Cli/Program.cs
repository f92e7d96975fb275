using System.CommandLine;
using Trading.Timescale.Cli.Commands;

namespace Trading.Timescale.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => CreateRootCommand().Parse(args).InvokeAsync();

    internal static RootCommand CreateRootCommand() =>
        new("trading-timescale: the market database of an options-trading system on TimescaleDB.")
        {
            ImportCommand.Create(),
        };
}
