namespace Trading.Timescale.ScaleOut;

/// <summary>
/// A write found no primary among the hosts of a multi-host connection string: the primary is down or cut off, and
/// every host that answered is a standby. It is not retried, so the write fails within the connect timeout. Reads
/// still go to a standby. After a standby is promoted, writes reach it with the same connection string within
/// <c>Host Recheck Seconds</c> (<see cref="TradingConnectionString.DefaultHostRecheckSeconds"/> unless set).
/// </summary>
public sealed class NoPrimaryException : TradingTimescaleException
{
    internal NoPrimaryException(IReadOnlyList<string> hostsTried, Exception innerException)
        : base(
            $"No primary server is reachable for writes: tried {string.Join(", ", hostsTried)} ({innerException.Message}). " +
            "Reads still go to a standby. Bring the primary back or promote a standby (pg_promote()); writes then reach the new primary " +
            "with the same connection string, without a restart.",
            innerException)
    {
        HostsTried = hostsTried;
    }

    /// <summary>The hosts of the connection string, as <c>host:port</c>, in order.</summary>
    public IReadOnlyList<string> HostsTried { get; }
}
