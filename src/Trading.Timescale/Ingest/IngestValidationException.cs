namespace Trading.Timescale.Ingest;

/// <summary>
/// Rows broke validation rules under <see cref="InvalidRowHandling.Reject"/>. An invalid row is never sent and nothing
/// of the batch holding it is committed; <see cref="TradingIngestException.Progress"/> says what earlier batches committed
/// (nothing under <see cref="IngestTransactionMode.SingleTransaction"/>).
/// </summary>
public sealed class IngestValidationException : TradingIngestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The first error and what is committed.</param>
    /// <param name="table">The schema-qualified table.</param>
    /// <param name="progress">What the call read and committed before the invalid batch.</param>
    /// <param name="failedBatch">The batch (from 1) holding the invalid rows.</param>
    /// <param name="errors">Every invalid row of that batch, in input order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is <see langword="null"/>.</exception>
    public IngestValidationException(string message, string table, IngestProgress progress, int? failedBatch, IReadOnlyList<IngestRowError> errors)
        : base(message, table, progress, failedBatch, FirstRow(errors), null)
    {
        Errors = errors;
    }

    /// <summary>Every invalid row of the failing batch, in input order: row number, column, value and reason.</summary>
    public IReadOnlyList<IngestRowError> Errors { get; }

    private static long? FirstRow(IReadOnlyList<IngestRowError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count > 0 ? errors[0].RowNumber : null;
    }
}
