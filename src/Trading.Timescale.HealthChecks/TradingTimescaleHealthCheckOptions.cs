using Trading.Timescale.Internal;

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
    public IDictionary<string, TimeSpan> AggregateLagLimits { get; } =
        AggregateCatalog.All.ToDictionary(a => a.Name, a => a.HealthLagLimit, StringComparer.Ordinal);

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

    /// <summary>Throws when a limit cannot work, listing every one: a lag that is not positive, or a limit for an aggregate the schema does not have.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; each message names it.</exception>
    internal void Validate()
    {
        var failures = new OptionsFailures<TradingTimescaleHealthCheckOptions>()
            .Require(MaxAggregateLag > TimeSpan.Zero, $"TradingTimescaleHealthCheckOptions.MaxAggregateLag is {MaxAggregateLag}; it must be positive.")
            .Require(MaxStandbyLag > TimeSpan.Zero, $"TradingTimescaleHealthCheckOptions.MaxStandbyLag is {MaxStandbyLag}; it must be positive.");
        foreach (var (aggregate, limit) in AggregateLagLimits)
        {
            failures
                .Require(AggregateCatalog.All.Any(a => a.Name == aggregate),
                    $"TradingTimescaleHealthCheckOptions.AggregateLagLimits names '{aggregate}', which is not an aggregate of the trading schema ({string.Join(", ", AggregateCatalog.All.Select(a => a.Name))}).")
                .Require(limit > TimeSpan.Zero, $"TradingTimescaleHealthCheckOptions.AggregateLagLimits['{aggregate}'] is {limit}; it must be positive.");
        }

        failures.ThrowIfAny();
    }
}
