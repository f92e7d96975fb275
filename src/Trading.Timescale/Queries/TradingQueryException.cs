namespace Trading.Timescale.Queries;

/// <summary>A query the server or this edition cannot run as asked; the message says why and what to do instead.</summary>
public sealed class TradingQueryException : TradingTimescaleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong and what to do.</param>
    /// <param name="innerException">The server's error, if any.</param>
    public TradingQueryException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
