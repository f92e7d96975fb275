namespace Trading.Timescale.Operations;

/// <summary>A maintenance, statistics, data quality, role or setup operation could not be done; the message says why and what to do.</summary>
public sealed class TradingOperationsException : TradingTimescaleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, where, and what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TradingOperationsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
