namespace Trading.Timescale.Ingest;

/// <summary>
/// An ingest call failed: the database refused a batch, the connection was lost, or reading the input threw.
/// <see cref="Progress"/> says exactly what is committed; nothing of the failing batch is.
/// </summary>
public class TradingIngestException : TradingTimescaleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, where, and what is committed.</param>
    /// <param name="table">The schema-qualified table.</param>
    /// <param name="progress">What the call read and committed before the failure.</param>
    /// <param name="failedBatch">The batch (from 1) that failed, if the failure belongs to one.</param>
    /// <param name="failedRowNumber">The input row (from 1) the failure names, if known.</param>
    /// <param name="innerException">The underlying failure.</param>
    public TradingIngestException(string message, string table, IngestProgress progress, int? failedBatch, long? failedRowNumber, Exception? innerException)
        : base(message, innerException)
    {
        Table = table;
        Progress = progress;
        FailedBatch = failedBatch;
        FailedRowNumber = failedRowNumber;
    }

    /// <summary>The schema-qualified table, for example <c>trading.stock_prices</c>.</summary>
    public string Table { get; }

    /// <summary>What the call read and committed before the failure.</summary>
    public IngestProgress Progress { get; }

    /// <summary>The batch (from 1) that failed, if the failure belongs to one; none of its rows is committed.</summary>
    public int? FailedBatch { get; }

    /// <summary>The input row (from 1) the failure names, when the database or the input identified it.</summary>
    public long? FailedRowNumber { get; }

    /// <summary>
    /// Whether the failure was transient: a lost or refused connection, a server restart or failover, a serialization
    /// failure or deadlock, which outlasted the retry budget (<see cref="TradingTimescaleOptions.Retry"/>). Writing the
    /// failed rows again later may succeed; with <see cref="TradingIngest.UpsertAsync{T}(IEnumerable{T}, IngestOptions?, CancellationToken)"/>
    /// that is safe even when <see cref="IngestProgress.RowsInDoubt"/> says the outcome of a COMMIT is unknown.
    /// </summary>
    public bool IsTransient => InnerException is { } inner && Trading.Timescale.Internal.TransientRetry.IsTransient(inner);
}
