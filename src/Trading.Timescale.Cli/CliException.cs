namespace Trading.Timescale.Cli;

/// <summary>
/// A failure whose message is written as is, on one line, to standard error as <c>trading-timescale: MESSAGE</c>;
/// the command exits with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The process's exit code; 1 unless the command documents another (import: 2 for a rejected file).</summary>
    public int ExitCode { get; init; } = 1;
}
