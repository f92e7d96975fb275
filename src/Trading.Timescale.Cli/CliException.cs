namespace Trading.Timescale.Cli;

/// <summary>A failure whose message is written as is, on one line, to standard error.</summary>
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
}
