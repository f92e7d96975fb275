namespace Trading.Timescale.ScaleOut;

/// <summary>What a server of the connection string is.</summary>
public enum ServerRole
{
    /// <summary>It could not be reached.</summary>
    Unreachable = 0,

    /// <summary>It takes writes (<c>pg_is_in_recovery()</c> is false).</summary>
    Primary = 1,

    /// <summary>A hot standby replaying a primary's write-ahead log.</summary>
    Standby = 2,
}
