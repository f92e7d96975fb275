namespace Trading.Timescale.Testing;

/// <summary>How a <see cref="TimescaleTestServer"/> got its server.</summary>
public enum TimescaleTestServerKind
{
    /// <summary>An existing server named by <c>TRADING_TIMESCALE_CONNECTION</c>.</summary>
    ExistingServer = 0,

    /// <summary>A TimescaleDB container started through Testcontainers.</summary>
    Container = 1,

    /// <summary>A throwaway cluster started from the local PostgreSQL binaries.</summary>
    LocalCluster = 2,
}
