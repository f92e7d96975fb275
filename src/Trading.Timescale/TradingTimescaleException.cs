namespace Trading.Timescale;

/// <summary>
/// The base of every failure the library reports itself: schema, ingest, positions, queries and operations.
/// Catch it to handle any of them; the message says what was wrong, where, and what to do.
/// </summary>
/// <remarks>
/// Cancellation is reported as <see cref="OperationCanceledException"/> (for ingest, its
/// <see cref="Ingest.IngestCanceledException"/>), as .NET callers expect, not through this type.
/// </remarks>
public abstract class TradingTimescaleException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, where, and what to do.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected TradingTimescaleException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
