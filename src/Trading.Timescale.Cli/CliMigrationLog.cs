using Microsoft.Extensions.Logging;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Cli;

/// <summary>
/// The installer's Information messages (each statement of a long migration, progress the schema files report) as
/// lines on standard error, only when it is a terminal and the output is not JSON.
/// </summary>
internal sealed class CliMigrationLog(TextWriter writer) : ILogger<TradingSchemaInstaller>
{
    /// <summary>A log for a terminal, else <see langword="null"/> (nothing is shown).</summary>
    public static CliMigrationLog? For(CliContext context) =>
        !context.Json && ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected ? new CliMigrationLog(context.Error) : null;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            writer.WriteLine(formatter(state, exception));
        }
    }
}
