using NodaTime;
using Npgsql;
using Trading.Timescale.Schema;
using static Trading.Timescale.Operations.Internal.OperationsSql;
using Trading.Timescale.ScaleOut.Internal;
using static Trading.Timescale.Internal.TimescaleCatalogReader;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations;

public sealed partial class TradingOperations
{
    private const string ApplyRetentionFunction = "trading.apply_retention()";
    private const string RetentionPlanFunction = "trading.retention_plan()";
    private const string RefreshAggregatesProcedure = "trading.refresh_aggregates(timestamptz, timestamptz, text[])";
    private const string RefreshScreenStateProcedure = "trading.refresh_screen_state(text[], integer)";

    /// <summary>
    /// Drops every chunk older than its hypertable's retention by calling <c>trading.apply_retention()</c>, which
    /// first keeps the CRITICAL system events in <c>system_events_critical</c>. On the apache edition, which has no
    /// retention policies, schedule this (or <see cref="MaintainAsync"/>); on community it does now what the policies do.
    /// A deadlock or lock timeout against a TimescaleDB job working on the same hypertable is retried, up to 10 times.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call; the drop is one statement and is rolled back.</param>
    /// <returns>The chunks dropped per hypertable.</returns>
    /// <exception cref="TradingOperationsException">The schema is not installed (the function is missing).</exception>
    public async Task<IReadOnlyList<RetentionResult>> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await RequireFunctionAsync(connection, ApplyRetentionFunction, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RetentionResult> result = [];
        await RetryOnJobConflictAsync(async () => result = await CallApplyRetentionAsync(connection, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Materializes the continuous aggregates over the buckets that <paramref name="from"/> to <paramref name="to"/>
    /// touches, now, each level after the one it reads (<c>CALL trading.refresh_aggregates</c>). Call it after loading
    /// or correcting history: rows written below an aggregate's watermark stay out of it until it is refreshed, and a
    /// refresh policy may have moved the watermark past them while they were being loaded. A policy refreshing the
    /// same aggregate at that moment is waited for. On the apache edition the aggregates are views computed on read,
    /// so there is nothing to refresh and nothing is done.
    /// </summary>
    /// <param name="from">The start of the range written (inclusive).</param>
    /// <param name="to">The end of the range written (exclusive); after <paramref name="from"/>.</param>
    /// <param name="cancellationToken">Cancels the refresh; the levels already refreshed stay refreshed.</param>
    /// <returns>Whether anything was refreshed: false on the apache edition.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    /// <exception cref="TradingOperationsException">The schema is not installed.</exception>
    public async Task<bool> RefreshAggregatesAsync(Instant from, Instant to, CancellationToken cancellationToken = default)
    {
        if (to <= from)
        {
            throw new ArgumentException($"to ({to}) must be after from ({from}).", nameof(to));
        }

        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
        if (server.Edition != TimescaleEdition.Community)
        {
            return false;
        }

        await RequireFunctionAsync(connection, RefreshAggregatesProcedure, cancellationToken).ConfigureAwait(false);
        // CALL cannot run inside a transaction block; the pooled connection is in autocommit here.
        await RetryOnJobConflictAsync(() => ExecuteAsync(connection, "CALL trading.refresh_aggregates($1, $2)", cancellationToken,
            from.ToDateTimeUtc(), to.ToDateTimeUtc()), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Runs maintenance: retention on every edition (through <c>trading.apply_retention()</c>); on the community edition
    /// also compression of the uncompressed chunks older than <c>compress_after</c> and a refresh of every continuous
    /// aggregate over its refresh policy's window. With <see cref="MaintenanceOptions.DryRun"/> it lists what it would do
    /// (the chunks <c>trading.retention_plan()</c> names) and changes nothing. It runs safely alongside the policies'
    /// jobs: a step that loses a lock conflict with a job is run again (up to 10 times), and a chunk a job compressed or
    /// dropped first is left out of the report.
    /// </summary>
    /// <param name="options">What to do; all of it, for real, when omitted.</param>
    /// <param name="cancellationToken">Cancels the run between steps; retention is one transaction.</param>
    /// <returns>What was done (or would be) and what was skipped on this edition, with the reason.</returns>
    /// <exception cref="TradingOperationsException">The schema is not installed or its settings are missing.</exception>
    public async Task<MaintenanceReport> MaintainAsync(MaintenanceOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MaintenanceOptions();
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
        if (!server.ExtensionInstalled)
        {
            throw new TradingOperationsException($"the timescaledb extension is not created in database {connection.Database}: run `trading-timescale migrate` first.");
        }

        var actions = new List<MaintenanceAction>();
        var retention = new List<RetentionResult>();
        var skipped = new List<string>();
        var planned = new HashSet<string>(StringComparer.Ordinal);
        if (options.Retention)
        {
            await RequireFunctionAsync(connection, ApplyRetentionFunction, cancellationToken).ConfigureAwait(false);
            await RequireFunctionAsync(connection, RetentionPlanFunction, cancellationToken).ConfigureAwait(false);
            // A retention, compression or refresh job running at the same moment can make this transaction the
            // victim of a deadlock or a lock timeout; the step is then planned and run again from scratch.
            await RetryOnJobConflictAsync(retryUndefinedTable: true, async () =>
            {
                actions.Clear();
                retention.Clear();
                planned.Clear();
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // NOW() is the transaction's start, so the plan names exactly what apply_retention() drops after it.
                    await foreach (var row in QueryAsync(connection, $"""
                        SELECT hypertable, chunk, {Micros("range_start")}, {Micros("range_end")} FROM trading.retention_plan()
                        """, null, cancellationToken).ConfigureAwait(false))
                    {
                        actions.Add(new MaintenanceAction(MaintenanceActionKind.DropChunk, row.GetString(0), row.GetString(1), ReadInstant(row, 2), ReadInstant(row, 3)));
                        planned.Add(row.GetString(1));
                    }

                    if (options.DryRun)
                    {
                        retention.AddRange(actions.GroupBy(a => a.Target).Select(g => new RetentionResult(g.Key, g.Count())));
                        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        if (planned.Count > 0)
                        {
                            // Held until commit, so no retention job drops a planned chunk first and the report names
                            // exactly what this run dropped. A chunk a job dropped since the plan fails the lock
                            // (42P01), and the step is planned again. The names come from the catalog, quoted by format('%I.%I').
                            await ExecuteAsync(connection, $"LOCK TABLE {string.Join(", ", planned)} IN ACCESS EXCLUSIVE MODE", cancellationToken)
                                .ConfigureAwait(false);
                        }

                        retention.AddRange(await CallApplyRetentionAsync(connection, cancellationToken).ConfigureAwait(false));
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        var community = server.Edition == TimescaleEdition.Community;
        if (options.Compression && !community)
        {
            skipped.Add($"compression: {UnavailableOnApache}");
        }
        else if (options.Compression)
        {
            await CompressAsync(connection, options.DryRun, planned, actions, cancellationToken).ConfigureAwait(false);
        }

        if (options.RefreshAggregates && !community)
        {
            skipped.Add($"aggregate refresh: {UnavailableOnApache} (the aggregates are plain views computed on read)");
        }
        else if (options.RefreshAggregates)
        {
            await RefreshAsync(connection, options.DryRun, actions, cancellationToken).ConfigureAwait(false);
        }

        if (options.RefreshScreenState)
        {
            await RequireFunctionAsync(connection, RefreshScreenStateProcedure, cancellationToken).ConfigureAwait(false);
            await RefreshScreenStateAsync(connection, options.DryRun, actions, cancellationToken).ConfigureAwait(false);
        }

        return new MaintenanceReport(connection.Database, server.Edition, options.DryRun, actions, retention, skipped);
    }

    private static async Task<List<RetentionResult>> CallApplyRetentionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var result = new List<RetentionResult>();
        using var apply = new NpgsqlCommand($"SELECT hypertable::text, dropped_chunks::int FROM {ApplyRetentionFunction}", connection) { CommandTimeout = 0 };
        var reader = await apply.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new RetentionResult(reader.GetString(0), reader.IsDBNull(1) ? 0 : reader.GetInt32(1)));
        }

        return result;
    }

    private static async Task CompressAsync(NpgsqlConnection connection, bool dryRun, HashSet<string> dropped, List<MaintenanceAction> actions, CancellationToken cancellationToken)
    {
        var candidates = new List<MaintenanceAction>();
        await foreach (var row in QueryAsync(connection, $"""
            SELECT 'trading.' || c.hypertable_name, format('%I.%I', c.chunk_schema, c.chunk_name), {Micros("c.range_start")}, {Micros("c.range_end")}
            FROM timescaledb_information.chunks c
            JOIN timescaledb_information.hypertables h ON h.hypertable_schema = c.hypertable_schema AND h.hypertable_name = c.hypertable_name
            WHERE c.hypertable_schema = 'trading' AND h.compression_enabled AND NOT c.is_compressed
              AND c.range_end <= now() - (SELECT s.value::interval FROM trading.settings s WHERE s.name = 'compress_after')
            ORDER BY c.hypertable_name, c.range_start
            """, null, cancellationToken).ConfigureAwait(false))
        {
            if (!dropped.Contains(row.GetString(1)))
            {
                candidates.Add(new MaintenanceAction(MaintenanceActionKind.CompressChunk, row.GetString(0), row.GetString(1), ReadInstant(row, 2), ReadInstant(row, 3)));
            }
        }

        foreach (var chunk in candidates)
        {
            if (!dryRun && !await CompressChunkAsync(connection, chunk.Chunk!, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            actions.Add(chunk);
        }
    }

    private static async Task RefreshAsync(NpgsqlConnection connection, bool dryRun, List<MaintenanceAction> actions, CancellationToken cancellationToken)
    {
        // Creation order (a hierarchical aggregate after the one it reads); windows from the refresh policy settings.
        var windows = new List<MaintenanceAction>();
        await foreach (var row in QueryAsync(connection, $"""
            SELECT format('%I.%I', c.view_schema, c.view_name), {Micros("now() - so.value::interval")}, {Micros("now() - eo.value::interval")}
            FROM timescaledb_information.continuous_aggregates c
            JOIN trading.settings so ON so.name = 'refresh_' || c.view_name || '_start_offset'
            JOIN trading.settings eo ON eo.name = 'refresh_' || c.view_name || '_end_offset'
            WHERE c.view_schema = 'trading'
            ORDER BY format('%I.%I', c.materialization_hypertable_schema, c.materialization_hypertable_name)::regclass::oid
            """, null, cancellationToken).ConfigureAwait(false))
        {
            windows.Add(new MaintenanceAction(MaintenanceActionKind.RefreshAggregate, row.GetString(0), null, ReadInstant(row, 1), ReadInstant(row, 2)));
        }

        foreach (var window in windows)
        {
            if (!dryRun)
            {
                // CALL cannot run inside a transaction block; the pooled connection is in autocommit here. A refresh
                // policy refreshing the same aggregate holds it (55P03) until it finishes.
                await RetryOnJobConflictAsync(() => ExecuteAsync(connection, "CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)", cancellationToken,
                    window.Target, window.RangeStart!.Value.ToDateTimeUtc(), window.RangeEnd!.Value.ToDateTimeUtc()), cancellationToken).ConfigureAwait(false);
            }

            actions.Add(window);
        }
    }

    /// <summary>
    /// Refreshes the screen state of every width it holds (none: nothing to do), reporting each width's horizon before
    /// and after. A dry run reports the horizon a refresh would reach.
    /// </summary>
    private static async Task RefreshScreenStateAsync(NpgsqlConnection connection, bool dryRun, List<MaintenanceAction> actions, CancellationToken cancellationToken)
    {
        var horizons = $"""
            SELECT w.width, {Micros("w.horizon")}, {Micros("trading.screen_state_next_horizon(w.width)")}
            FROM trading.screen_state_widths AS w ORDER BY w.width
            """;
        var before = new List<(TimescaleInterval Width, Instant? Horizon, Instant? Next)>();
        await foreach (var row in QueryAsync(connection, horizons, null, cancellationToken).ConfigureAwait(false))
        {
            before.Add((ReadInterval(row, 0)!.Value, ReadInstant(row, 1), ReadInstant(row, 2)));
        }

        if (before.Count == 0)
        {
            return;
        }

        var after = new Dictionary<TimescaleInterval, Instant?>();
        if (!dryRun)
        {
            // CALL cannot run inside a transaction block; the pooled connection is in autocommit here. On community the
            // procedure refreshes the aggregates the widths read, which a refresh policy may hold (55P03) for a moment.
            await RetryOnJobConflictAsync(() => ExecuteAsync(connection, "CALL trading.refresh_screen_state()", cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            await foreach (var row in QueryAsync(connection, horizons, null, cancellationToken).ConfigureAwait(false))
            {
                after[ReadInterval(row, 0)!.Value] = ReadInstant(row, 1);
            }
        }

        foreach (var (width, horizon, next) in before)
        {
            actions.Add(new MaintenanceAction(MaintenanceActionKind.RefreshScreenState, "trading.screen_states", null, horizon,
                dryRun ? next : after.GetValueOrDefault(width), width));
        }
    }

    /// <summary>
    /// Compresses one chunk. Returns false when a compression or retention job got there first: the chunk is then
    /// already compressed (42710) or already dropped (42P01), which is the outcome maintenance wanted.
    /// </summary>
    private static async Task<bool> CompressChunkAsync(NpgsqlConnection connection, string chunk, CancellationToken cancellationToken)
    {
        try
        {
            await RetryOnJobConflictAsync(() => ExecuteAsync(connection, "SELECT compress_chunk($1::regclass, if_not_compressed => true)", cancellationToken, chunk), cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (PostgresException ex) when (PostgresErrors.IsDuplicateObject(ex) || PostgresErrors.IsUndefinedTable(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// Runs one maintenance step, and runs it again when it lost a lock conflict with a TimescaleDB job working on the
    /// same hypertable (a deadlock, a lock timeout, a serialization failure): at most <see cref="JobConflictAttempts"/>
    /// times, waiting a little longer each time.
    /// </summary>
    private static Task RetryOnJobConflictAsync(Func<Task> step, CancellationToken cancellationToken) =>
        RetryOnJobConflictAsync(retryUndefinedTable: false, step, cancellationToken);

    private static async Task RetryOnJobConflictAsync(bool retryUndefinedTable, Func<Task> step, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step().ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when ((IsJobConflict(ex) || (retryUndefinedTable && PostgresErrors.IsUndefinedTable(ex)))
                                               && attempt < JobConflictAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt + Random.Shared.Next(100)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const int JobConflictAttempts = 10;

    private static bool IsJobConflict(PostgresException ex) => PostgresErrors.IsLockConflict(ex);
}
