namespace Trading.Timescale.HealthChecks;

/// <summary>Limits of the trading database health check.</summary>
public sealed class TradingTimescaleHealthCheckOptions
{
    /// <summary>
    /// The lag allowed for a continuous aggregate that has no entry in <see cref="AggregateLagLimits"/>: one hour.
    /// Lag is the time between the newest row of the aggregate's source and the end of what is materialized
    /// (its watermark).
    /// </summary>
    public TimeSpan MaxAggregateLag { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Lag allowed per continuous aggregate (view name without schema). A healthy aggregate trails its source by up
    /// to one bucket plus its refresh policy's end offset and schedule, so the defaults follow the shipped policies:
    /// <c>stock_prices_1m</c> 10 minutes, <c>stock_prices_5m</c> 30 minutes, <c>stock_prices_1h</c> and
    /// <c>options_volume_1h</c> 4 hours, <c>stock_prices_1d</c> and <c>signal_performance_1d</c> 30 hours.
    /// Change them with the refresh settings.
    /// </summary>
    public IDictionary<string, TimeSpan> AggregateLagLimits { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["stock_prices_1m"] = TimeSpan.FromMinutes(10),
        ["stock_prices_5m"] = TimeSpan.FromMinutes(30),
        ["stock_prices_1h"] = TimeSpan.FromHours(4),
        ["options_volume_1h"] = TimeSpan.FromHours(4),
        ["stock_prices_1d"] = TimeSpan.FromHours(30),
        ["signal_performance_1d"] = TimeSpan.FromHours(30),
    };

    /// <summary>Whether a TimescaleDB job whose last run failed makes the check degraded (default <see langword="true"/>).</summary>
    public bool CheckJobs { get; set; } = true;

    /// <summary>
    /// The replication lag allowed for a standby of a multi-host connection string before the check is degraded:
    /// 30 seconds. A standby that cannot be reached makes it degraded too.
    /// </summary>
    public TimeSpan MaxStandbyLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the servers of a multi-host connection string and their replication lag are checked (default <see langword="true"/>).</summary>
    public bool CheckReplication { get; set; } = true;

    /// <summary>Whether continuous aggregate lag is checked (default <see langword="true"/>).</summary>
    public bool CheckAggregateLag { get; set; } = true;

    /// <summary>The lag limit for <paramref name="aggregate"/>.</summary>
    /// <param name="aggregate">The view name without schema.</param>
    /// <returns>The entry of <see cref="AggregateLagLimits"/>, else <see cref="MaxAggregateLag"/>.</returns>
    public TimeSpan LagLimitFor(string aggregate) =>
        aggregate is not null && AggregateLagLimits.TryGetValue(aggregate, out var limit) ? limit : MaxAggregateLag;
}
