namespace Trading.Timescale.ScaleOut;

/// <summary>
/// How far a standby is behind. Seen from the primary (<c>pg_stat_replication</c>): the bytes of write-ahead log it has
/// not replayed and its replay lag in seconds. Seen on a standby: the bytes received but not replayed, and the seconds
/// since it last replayed a transaction (<c>pg_last_xact_replay_timestamp()</c>), counted as 0 while it has replayed all
/// it received.
/// </summary>
public sealed class ReplicationLag
{
    /// <summary>Write-ahead log not replayed yet, in bytes; <see langword="null"/> when unknown.</summary>
    public long? Bytes { get; init; }

    /// <summary>The lag in seconds; <see langword="null"/> when unknown.</summary>
    public double? Seconds { get; init; }
}
