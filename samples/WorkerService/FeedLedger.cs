namespace WorkerService;

/// <summary>What the database acknowledged: only batches whose append returned, that is, committed.</summary>
public sealed class FeedLedger
{
    private long _rows;
    private long _batches;

    public long Rows => Interlocked.Read(ref _rows);

    public long Batches => Interlocked.Read(ref _batches);

    public void Acknowledge(long rows)
    {
        Interlocked.Add(ref _rows, rows);
        Interlocked.Increment(ref _batches);
    }
}
