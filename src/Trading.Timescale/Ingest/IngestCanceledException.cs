namespace Trading.Timescale.Ingest;

/// <summary>
/// An ingest call was cancelled. The batch in flight was rolled back; <see cref="Progress"/> says what earlier batches
/// committed (nothing under <see cref="IngestTransactionMode.SingleTransaction"/>). Catching
/// <see cref="OperationCanceledException"/> catches it too.
/// </summary>
public sealed class IngestCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was cancelled and what is committed.</param>
    /// <param name="table">The schema-qualified table.</param>
    /// <param name="progress">What the call read and committed before the cancellation.</param>
    /// <param name="innerException">The cancellation that stopped the call.</param>
    /// <param name="cancellationToken">The token that was cancelled.</param>
    public IngestCanceledException(string message, string table, IngestProgress progress, Exception? innerException, CancellationToken cancellationToken)
        : base(message, innerException, cancellationToken)
    {
        Table = table;
        Progress = progress;
    }

    /// <summary>The schema-qualified table.</summary>
    public string Table { get; }

    /// <summary>What the call read and committed before the cancellation.</summary>
    public IngestProgress Progress { get; }
}
