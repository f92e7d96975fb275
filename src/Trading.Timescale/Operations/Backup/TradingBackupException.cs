namespace Trading.Timescale.Operations;

/// <summary>A backup, restore, clone, upload or download failed, or was refused; the message says why and what to do.</summary>
public sealed class TradingBackupException : TradingTimescaleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, where, and what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TradingBackupException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
