namespace Trading.Timescale.ScaleOut;

/// <summary>
/// Which server a read goes to when the connection string lists a primary and its standbys
/// (<c>Host=primary:5432,standby1:5432</c>). Writes, the installer, operations, backups and positions always go to the
/// primary. With one host, every read goes to that host.
/// </summary>
public enum ReadFrom
{
    /// <summary>Reads go to the primary, like writes.</summary>
    Primary = 0,

    /// <summary>Reads go to a standby when one is up, else to the primary. The default.</summary>
    PreferStandby = 1,

    /// <summary>Reads go to a standby only; they fail when none is up (read-your-writes and <see cref="TradingTimescaleOptions.MaxReplicaLag"/> still fall back to the primary).</summary>
    Standby = 2,
}
