namespace Trading.Timescale.Ingest;

/// <summary>Which transactions an ingest call uses, and so what a failure leaves behind.</summary>
public enum IngestTransactionMode
{
    /// <summary>
    /// The whole call is one transaction: every batch is sent inside it and it commits at the end. Any failure,
    /// invalid row (under <see cref="InvalidRowHandling.Reject"/>) or cancellation rolls it back: nothing is written.
    /// </summary>
    SingleTransaction = 0,

    /// <summary>
    /// Each batch is its own transaction and commits before the next batch is read. A failure leaves the batches
    /// committed before it (reported by <see cref="TradingIngestException.Progress"/>) and nothing of the failing batch.
    /// </summary>
    TransactionPerBatch = 1,
}
