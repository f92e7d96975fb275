using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.Schema;

namespace Trading.Timescale.HealthChecks;

/// <summary>
/// Checks the trading database. Unhealthy (the registration's failure status): TimescaleDB cannot be reached or is
/// not available, or the schema is not up to date. Degraded: a standby of a multi-host connection string lags beyond
/// <see cref="TradingTimescaleHealthCheckOptions.MaxStandbyLag"/> or cannot be reached (the data lists each server), a continuous aggregate lags beyond its limit, holds
/// nothing that a refresh policy will fill although its source has rows, or a TimescaleDB job failed its last run.
/// An aggregate whose scheduled refresh policy has not run over its rows yet (a fresh install) is healthy, and the
/// description says so. The result's data holds the figures behind the verdict. On the apache edition there are no
/// continuous aggregates and no jobs, so those two checks pass and the data says why.
/// </summary>
public sealed class TradingTimescaleHealthCheck : IHealthCheck
{
    private readonly TradingDatabase _database;
    private readonly TradingTimescaleHealthCheckOptions _options;

    /// <summary>Creates the check.</summary>
    /// <param name="database">The trading database.</param>
    /// <param name="options">The limits; the defaults when omitted.</param>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A limit of <paramref name="options"/> cannot work; each message names it.</exception>
    public TradingTimescaleHealthCheck(TradingDatabase database, TradingTimescaleHealthCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _options = options ?? new TradingTimescaleHealthCheckOptions();
        _options.Validate();
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
        try
        {
            health = await _database.Schema.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
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
        var notes = new List<string>();
        if (!health.Server.ExtensionInstalled)
        {
            unhealthy.Add($"the timescaledb extension is not created in database {health.Database}: run migrate");
        }

        if (health.PendingMigrations.Count > 0)
        {
            data["pending"] = string.Join(", ", health.PendingMigrations);
            unhealthy.Add($"the schema is not up to date: {health.PendingMigrations.Count} migration(s) pending ({string.Join(", ", health.PendingMigrations)}); run migrate");
        }

        CheckAggregates(health, data, degraded, notes);
        CheckJobs(health, data, degraded);
        if (_options.CheckReplication)
        {
            CheckReplication(await _database.GetServersAsync(cancellationToken).ConfigureAwait(false), data, degraded);
        }

        if (unhealthy.Count > 0)
        {
            return new HealthCheckResult(failure, string.Join("; ", unhealthy.Concat(degraded)), null, data);
        }

        return degraded.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", degraded), null, data)
            : HealthCheckResult.Healthy(string.Join("; ", notes.Prepend($"{health.Database} is up to date on {health.Server}")), data);
    }

    private void CheckAggregates(SchemaHealth health, Dictionary<string, object> data, List<string> degraded, List<string> notes)
    {
        if (!health.ContinuousAggregates.Available)
        {
            data["aggregate_lag"] = $"not checked: no continuous aggregates ({health.ContinuousAggregates.UnavailableReason})";
            return;
        }

        if (!_options.CheckAggregateLag)
        {
            data["aggregate_lag"] = "not checked (CheckAggregateLag is off)";
            return;
        }

        data["aggregates"] = health.ContinuousAggregates.Items.Count;
        var awaiting = new List<string>();
        foreach (var aggregate in health.ContinuousAggregates.Items)
        {
            var key = "aggregate_lag_seconds." + aggregate.Name;
            switch (aggregate.Materialization)
            {
                case AggregateMaterialization.AwaitingRefresh:
                    data[key] = aggregate.LastSuccessfulRefresh is null ? "awaiting its first refresh" : "awaiting its next refresh";
                    awaiting.Add(string.Create(CultureInfo.InvariantCulture, $"{aggregate.Name} (job {aggregate.RefreshJobId})"));
                    break;
                case AggregateMaterialization.NotMaterialized:
                    data[key] = "nothing materialized";
                    degraded.Add($"continuous aggregate {aggregate.Name} has materialized nothing although its source has rows, and {NoPolicyWillFill(aggregate)}: " +
                        $"refresh it once with CALL refresh_continuous_aggregate('trading.{aggregate.Name}', NULL, NULL)");
                    break;
                default:
                    var lag = aggregate.Lag ?? NodaTime.Duration.Zero;
                    var limit = _options.LagLimitFor(aggregate.Name);
                    data[key] = Math.Round(lag.TotalSeconds, 1);
                    if (lag.ToTimeSpan() > limit)
                    {
                        degraded.Add(string.Create(CultureInfo.InvariantCulture,
                            $"continuous aggregate {aggregate.Name} lags its source by {Describe(lag.ToTimeSpan())}, more than the {Describe(limit)} allowed: check its refresh policy job"));
                    }

                    break;
            }
        }

        if (awaiting.Count > 0)
        {
            notes.Add($"continuous aggregates not refreshed yet, their refresh policies are scheduled: {string.Join(", ", awaiting)}");
        }
    }

    private static string NoPolicyWillFill(ContinuousAggregateHealth aggregate) =>
        aggregate.RefreshJobId is not { } job ? "it has no refresh policy"
        : !aggregate.RefreshScheduled ? string.Create(CultureInfo.InvariantCulture, $"its refresh policy (job {job}) is paused")
        : string.Create(CultureInfo.InvariantCulture, $"its refresh policy (job {job}) succeeded at {aggregate.LastSuccessfulRefresh} without reaching them (they lie outside its window)");

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

        var failing = health.Jobs.Items.Select(j => j.Failure).OfType<string>().ToList();
        data["failing_jobs"] = failing.Count;
        degraded.AddRange(failing);
    }

    private void CheckReplication(IReadOnlyList<ReplicationServer> servers, Dictionary<string, object> data, List<string> degraded)
    {
        if (servers.Count < 2 && servers.All(s => s.Role != ServerRole.Standby))
        {
            return;
        }

        foreach (var server in servers)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{server.Host}:{server.Port}");
            var lag = server.Lag?.Seconds;
            data["server." + name] = server.Role switch
            {
                ServerRole.Primary => string.Create(CultureInfo.InvariantCulture, $"primary, {server.Standbys.Count} standby(s) streaming"),
                ServerRole.Standby => string.Create(CultureInfo.InvariantCulture,
                    $"standby, lag {(lag is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "unknown")}, {server.Lag?.Bytes ?? 0} bytes not replayed{(server.ReplayPaused is true ? ", replay paused" : string.Empty)}"),
                _ => "unreachable: " + server.Error,
            };
            if (server.Role == ServerRole.Unreachable)
            {
                degraded.Add($"server {name} cannot be reached: {server.Error}");
            }
            else if (server.Role == ServerRole.Standby && lag is { } seconds && TimeSpan.FromSeconds(seconds) > _options.MaxStandbyLag)
            {
                degraded.Add($"standby {name} lags the primary by {Describe(TimeSpan.FromSeconds(seconds))}, more than the {Describe(_options.MaxStandbyLag)} allowed" +
                    (server.ReplayPaused is true ? " (its replay is paused: pg_wal_replay_resume())" : string.Empty));
            }
        }
    }

    private static string Describe(TimeSpan value) =>
        value.TotalHours >= 1
            ? value.TotalHours.ToString("0.#", CultureInfo.InvariantCulture) + " h"
            : value.TotalMinutes >= 1 ? value.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min" : value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
