namespace Trading.Timescale;

/// <summary>
/// The database holds a value this version of the library does not know (for example a new enum code written by a
/// newer version), or answered a statement in a way it cannot have; the message names the table, column and value.
/// </summary>
public sealed class TradingDataException : TradingTimescaleException
{
    /// <summary>Creates the exception.</summary>
    public TradingDataException()
        : base("The database returned data that cannot be read.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was read, where, and what to do.</param>
    public TradingDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was read, where, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public TradingDataException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
