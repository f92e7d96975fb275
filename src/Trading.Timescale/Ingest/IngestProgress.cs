namespace Trading.Timescale.Ingest;

/// <summary>How far an ingest call got: what it read, what is committed, and what is in doubt.</summary>
/// <param name="RowsRead">Rows taken from the input.</param>
/// <param name="RowsCommitted">Rows written in committed transactions.</param>
/// <param name="BatchesCommitted">Batches written in committed transactions.</param>
/// <param name="RowsRejected">Invalid rows left out (<see cref="InvalidRowHandling.Skip"/>).</param>
/// <param name="CommittedThroughRow">
/// Every input row up to this row number (from 1) is committed or was rejected; resume after it. 0 when nothing is committed.
/// </param>
/// <param name="RowsInDoubt">
/// Rows of a batch whose COMMIT was sent but whose answer was lost with the connection: they may or may not be
/// committed. Check the table before resending them. Usually 0.
/// </param>
public sealed record IngestProgress(long RowsRead, long RowsCommitted, int BatchesCommitted, long RowsRejected, long CommittedThroughRow, long RowsInDoubt);
