namespace Trading.Timescale.Operations;

/// <summary>What <c>trading.apply_retention()</c> dropped from one hypertable.</summary>
public sealed class RetentionResult
{
    internal RetentionResult(string hypertable, int droppedChunks)
    {
        Hypertable = hypertable;
        DroppedChunks = droppedChunks;
    }

    /// <summary>The hypertable, as <c>trading.name</c>.</summary>
    public string Hypertable { get; }

    /// <summary>How many chunks were dropped.</summary>
    public int DroppedChunks { get; }
}
