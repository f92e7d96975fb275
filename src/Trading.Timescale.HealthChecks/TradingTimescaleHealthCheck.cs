using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Trading.Timescale.HealthChecks.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.HealthChecks;

/// <summary>
/// Checks the trading database. Unhealthy (the registration's failure status): TimescaleDB cannot be reached or is
/// not available, or the schema is not up to date. Degraded: a continuous aggregate lags beyond its limit, or a
/// TimescaleDB job failed its last run. The result's data holds the figures behind the verdict. On the apache edition
/// there are no continuous aggregates and no jobs, so those two checks pass and the data says why.
/// </summary>
public sealed class TradingTimescaleHealthCheck : IHealthCheck
{
    private readonly TradingDatabase _database;
    private readonly TradingTimescaleHealthCheckOptions _options;

    /// <summary>Creates the check.</summary>
    /// <param name="database">The trading database.</param>
    /// <param name="options">The limits; the defaults when omitted.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public TradingTimescaleHealthCheck(TradingDatabase database, TradingTimescaleHealthCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _options = options ?? new TradingTimescaleHealthCheckOptions();
    }

    /// <summary>Runs the check.</summary>
    /// <param name="context">The registration's context; its failure status is used for unhealthy.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>Healthy, degraded or the failure status, with data.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        SchemaHealth health;
        List<AggregateLag>? lags = null;
        try
        {
            health = await _database.Schema.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            if (_options.CheckAggregateLag && health.ContinuousAggregates.Available)
            {
                var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    lags = await AggregateLagReader.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TradingTimescaleException or TimeoutException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            data["error"] = ex.GetType().Name;
            return new HealthCheckResult(failure, "TimescaleDB is not reachable or not available: " + ex.Message, ex, data);
        }

        data["database"] = health.Database;
        data["server"] = health.Server.ToString();
        data["edition"] = health.Server.Edition.ToString().ToLowerInvariant();
        data["hypertables"] = health.Hypertables.Count;
        data["pending_migrations"] = health.PendingMigrations.Count;

        var unhealthy = new List<string>();
        var degraded = new List<string>();
        if (!health.Server.ExtensionInstalled)
        {
            unhealthy.Add($"the timescaledb extension is not created in database {health.Database}: run migrate");
        }

        if (health.PendingMigrations.Count > 0)
        {
            data["pending"] = string.Join(", ", health.PendingMigrations);
            unhealthy.Add($"the schema is not up to date: {health.PendingMigrations.Count} migration(s) pending ({string.Join(", ", health.PendingMigrations)}); run migrate");
        }

        CheckAggregates(health, lags, data, degraded);
        CheckJobs(health, data, degraded);

        if (unhealthy.Count > 0)
        {
            return new HealthCheckResult(failure, string.Join("; ", unhealthy.Concat(degraded)), null, data);
        }

        return degraded.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", degraded), null, data)
            : HealthCheckResult.Healthy($"{health.Database} is up to date on {health.Server}", data);
    }

    private void CheckAggregates(SchemaHealth health, List<AggregateLag>? lags, Dictionary<string, object> data, List<string> degraded)
    {
        if (!health.ContinuousAggregates.Available)
        {
            data["aggregate_lag"] = $"not checked: no continuous aggregates ({health.ContinuousAggregates.UnavailableReason})";
            return;
        }

        if (lags is null)
        {
            data["aggregate_lag"] = "not checked (CheckAggregateLag is off)";
            return;
        }

        data["aggregates"] = lags.Count;
        foreach (var lag in lags)
        {
            var limit = _options.LagLimitFor(lag.Aggregate);
            if (lag.Lag is not { } value)
            {
                data["aggregate_lag_seconds." + lag.Aggregate] = "nothing materialized";
                degraded.Add($"continuous aggregate {lag.Aggregate} has materialized nothing although its source has rows: refresh it or check its policy");
                continue;
            }

            data["aggregate_lag_seconds." + lag.Aggregate] = Math.Round(value.TotalSeconds, 1);
            if (value > limit)
            {
                degraded.Add(string.Create(CultureInfo.InvariantCulture,
                    $"continuous aggregate {lag.Aggregate} lags its source by {Describe(value)}, more than the {Describe(limit)} allowed: check its refresh policy job"));
            }
        }
    }

    private void CheckJobs(SchemaHealth health, Dictionary<string, object> data, List<string> degraded)
    {
        if (!health.Jobs.Available)
        {
            data["jobs"] = $"not checked: no background jobs ({health.Jobs.UnavailableReason})";
            return;
        }

        data["jobs"] = health.Jobs.Items.Count;
        if (!_options.CheckJobs)
        {
            return;
        }

        var failing = health.Jobs.Items.Where(j => string.Equals(j.LastRunStatus, "Failed", StringComparison.OrdinalIgnoreCase)).ToList();
        data["failing_jobs"] = failing.Count;
        foreach (var job in failing)
        {
            degraded.Add(string.Create(CultureInfo.InvariantCulture,
                $"job {job.JobId} ({job.Application}) on {job.Target} failed its last run ({job.TotalFailures} failure(s) in all): see timescaledb_information.job_errors"));
        }
    }

    private static string Describe(TimeSpan value) =>
        value.TotalHours >= 1
            ? value.TotalHours.ToString("0.#", CultureInfo.InvariantCulture) + " h"
            : value.TotalMinutes >= 1 ? value.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min" : value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
