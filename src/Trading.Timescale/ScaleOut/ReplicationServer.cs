namespace Trading.Timescale.ScaleOut;

/// <summary>One host of the connection string: its role and replication lag, read from the server itself.</summary>
public sealed class ReplicationServer
{
    /// <summary>The host as the connection string names it.</summary>
    public required string Host { get; init; }

    /// <summary>The port.</summary>
    public required int Port { get; init; }

    /// <summary>Primary, standby, or unreachable.</summary>
    public required ServerRole Role { get; init; }

    /// <summary>On a standby: how far it is behind (<see cref="ReplicationLag"/>); <see langword="null"/> on a primary or an unreachable server.</summary>
    public ReplicationLag? Lag { get; init; }

    /// <summary>On a standby: whether its replay is paused (<c>pg_is_wal_replay_paused()</c>).</summary>
    public bool? ReplayPaused { get; init; }

    /// <summary>On a primary: the standbys streaming from it, with their lag (<c>pg_stat_replication</c>).</summary>
    public IReadOnlyList<StandbyConnection> Standbys { get; init; } = [];

    /// <summary>Why the server could not be reached; <see langword="null"/> when it answered.</summary>
    public string? Error { get; init; }
}
