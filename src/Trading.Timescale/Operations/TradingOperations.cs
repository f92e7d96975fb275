using Npgsql;

namespace Trading.Timescale.Operations;

/// <summary>
/// Running the database: statistics (<see cref="GetStatsAsync"/>), maintenance (<see cref="MaintainAsync"/>,
/// <see cref="ApplyRetentionAsync"/>), data quality checks (<see cref="CheckQualityAsync"/>), the analytics and
/// application roles (<see cref="ApplyRolesAsync"/>) and database creation (<see cref="SetupDatabaseAsync"/>).
/// Each call borrows one connection from the data source; over several hosts it is the primary, and when none is reachable
/// the call throws <see cref="ScaleOut.NoPrimaryException"/>. Get it from <see cref="TradingDatabase.Operations"/>.
/// </summary>
public sealed partial class TradingOperations
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TradingTimescaleOptions _options;

    /// <summary>Creates the operations for the database behind <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The data source; borrowed, not disposed.</param>
    /// <param name="options">The options (the exchange time zone of the quality checks).</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public TradingOperations(NpgsqlDataSource dataSource, TradingTimescaleOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _options = options;
    }
}
