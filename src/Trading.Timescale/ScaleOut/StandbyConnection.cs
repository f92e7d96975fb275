namespace Trading.Timescale.ScaleOut;

/// <summary>One standby streaming from a primary, as the primary sees it (a row of <c>pg_stat_replication</c>).</summary>
public sealed class StandbyConnection
{
    /// <summary>The standby's <c>application_name</c> (its <c>cluster_name</c> or the name in <c>primary_conninfo</c>).</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The standby's address, or <see langword="null"/> over a Unix socket.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The WAL sender's state, such as <c>streaming</c> or <c>catchup</c>.</summary>
    public string? State { get; init; }

    /// <summary>Bytes not replayed (<c>pg_current_wal_lsn() - replay_lsn</c>) and <c>replay_lag</c> in seconds.</summary>
    public required ReplicationLag Lag { get; init; }
}
