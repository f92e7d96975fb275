namespace Trading.Timescale.Ingest;

/// <summary>What happens to rows that break a validation rule.</summary>
public enum InvalidRowHandling
{
    /// <summary>
    /// An invalid row fails the call with an <see cref="IngestValidationException"/> listing every invalid row of its
    /// batch; the invalid row is never sent and nothing of its batch is committed.
    /// </summary>
    Reject = 0,

    /// <summary>Invalid rows are left out and reported in <see cref="IngestResult.Rejected"/>; the valid rows are written.</summary>
    Skip = 1,
}
