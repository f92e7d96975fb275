using System.Data;
using System.Diagnostics;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

// Restores with pg_restore: the compatibility checks, pg_restore between pre- and post-restore, and the row counts.
public sealed partial class TradingBackups
{
    /// <summary>
    /// Restores a backup. Before pg_restore runs: the manifest's signature when <see cref="SigningKey"/> is set (an
    /// unsigned or mismatched backup is refused), the dump's size and SHA-256 against the manifest, and the TimescaleDB
    /// version and edition. pg_restore runs in one job between <c>timescaledb_pre_restore()</c> and
    /// <c>timescaledb_post_restore()</c> (the latter on a fresh connection; its failure is reported), and the row counts
    /// are checked against the manifest. With <see cref="RestoreRequest.ReplaceExisting"/> the backup goes into a new
    /// database first; only when it is complete and its rows match does it take the target's name (the old database is
    /// renamed away and dropped), so a failed restore leaves the original untouched and named the same.
    /// </summary>
    /// <param name="request">What to restore and where.</param>
    /// <param name="progress">Receives the archive items restored; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the restore (pg_restore is stopped; a replaced database stays as it was).</param>
    /// <returns>What was restored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">
    /// The file or its manifest is missing, corrupt or not signed with the key, the kinds do not fit, the target holds the
    /// trading schema (and replacing was not asked for) or does not exist (and creating was not asked for), the versions
    /// differ, pg_restore or timescaledb_post_restore() failed, or the restored row counts differ from the manifest.
    /// </exception>
    public async Task<RestoreResult> RestoreAsync(RestoreRequest request, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind == RestoreKind.Portable)
        {
            return await PortableRestoreAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        var backup = await BackupDirectory.VerifyAsync(request.DumpPath, SigningKey, progress, cancellationToken).ConfigureAwait(false);
        var manifest = backup.Manifest;
        if (manifest.Kind == BackupKind.Portable)
        {
            throw new TradingBackupException($"{backup.DumpPath} is a portable backup: restore it as portable (its rows go into the schema this version installs).");
        }

        if (manifest.Kind == BackupKind.Data)
        {
            throw new TradingBackupException(
                $"{backup.DumpPath} is a data backup of {string.Join(", ", manifest.Tables.Select(t => t.Name))}: restore full|schema takes a full or schema backup. " +
                "Load a data backup with pg_restore --data-only into the database its chunks came from.");
        }

        if (request.Kind == RestoreKind.Full && manifest.Kind == BackupKind.Schema)
        {
            throw new TradingBackupException($"{backup.DumpPath} is a schema backup and holds no rows: restore it as schema.");
        }

        var target = TargetName(request);

        var maintenance = new NpgsqlConnection(_connection.ForDatabase(MaintenanceDatabase).ConnectionString);
        await using var maintenanceScope = maintenance.ConfigureAwait(false);
        await maintenance.OpenAsync(cancellationToken).ConfigureAwait(false);
        var serverInfo = await TimescaleServerInfo.DetectAsync(maintenance, cancellationToken).ConfigureAwait(false);
        var serverMajor = await ServerMajorAsync(maintenance, cancellationToken).ConfigureAwait(false);

        var (exists, tradingTables, existingInfo) = await InspectTargetAsync(maintenance, target, request, cancellationToken).ConfigureAwait(false);
        var targetInfo = existingInfo ?? serverInfo;

        var replacing = tradingTables > 0;
        var effective = exists && !replacing ? targetInfo : serverInfo;
        CheckCompatible(manifest, effective, target);
        var pgRestore = await PgTool.FindAsync(
            "pg_restore", Math.Max(serverMajor, PgTool.MajorOf(manifest.PgDumpVersion)),
            $"Restoring a pg_dump {manifest.PgDumpVersion} archive into PostgreSQL {serverInfo.ServerVersion}", PostgresBinDirectory, cancellationToken).ConfigureAwait(false);
        var listing = await PgProcess.RunAsync(pgRestore, ["--list", backup.DumpPath], null, cancellationToken).ConfigureAwait(false);
        if (!listing.Succeeded)
        {
            throw new TradingBackupException($"pg_restore --list could not read {backup.DumpPath}: {Tail(listing.ErrorTail)}");
        }

        var items = RestoreList.Items(listing.Output);
        var schemaOnly = request.Kind == RestoreKind.Schema;
        var timescale = manifest.TimescaleVersion is not null;
        if (!replacing)
        {
            if (!exists)
            {
                await ExecuteAsync(maintenance, $"CREATE DATABASE {PgIdentifier.Quote(target)}", cancellationToken).ConfigureAwait(false);
            }

            var count = await RestoreItemsAsync(pgRestore, _connection.ForDatabase(target), backup, items, schemaOnly, timescale, staged: false, progress, cancellationToken).ConfigureAwait(false);
            return new RestoreResult(target, request.Kind, manifest, !exists, count, clock.Elapsed);
        }

        var staging = DerivedName(target, "_restoring_" + Guid.NewGuid().ToString("N")[..8]);
        await ExecuteAsync(maintenance, $"CREATE DATABASE {PgIdentifier.Quote(staging)}", cancellationToken).ConfigureAwait(false);
        int restored;
        try
        {
            restored = await RestoreItemsAsync(pgRestore, _connection.ForDatabase(staging), backup, items, schemaOnly, timescale, staged: true, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await DropQuietlyAsync(staging).ConfigureAwait(false);
            if (ex is TradingBackupException)
            {
                throw new TradingBackupException($"{ex.Message}; database {target} was not changed.", ex);
            }

            throw;
        }

        await SwapAsync(maintenance, target, staging, cancellationToken).ConfigureAwait(false);
        return new RestoreResult(target, request.Kind, manifest, true, restored, clock.Elapsed);
    }

    private static void CheckCompatible(BackupManifest manifest, TimescaleServerInfo target, string database)
    {
        if (manifest.TimescaleVersion is null)
        {
            return;
        }

        if (target.TimescaleVersion is null)
        {
            throw new TradingBackupException(
                $"the backup needs TimescaleDB {manifest.TimescaleVersion}, and the server of database {database} has no TimescaleDB; nothing was restored. " +
                $"Install TimescaleDB {manifest.TimescaleVersion} there.");
        }

        if (!string.Equals(manifest.TimescaleVersion, target.TimescaleVersion, StringComparison.Ordinal))
        {
            throw new TradingBackupException(
                $"the backup was taken with TimescaleDB {manifest.TimescaleVersion}, and database {database} would get TimescaleDB {target.TimescaleVersion}; nothing was restored. " +
                $"A TimescaleDB restore needs the same version on both sides: restore on a server with TimescaleDB {manifest.TimescaleVersion}, then ALTER EXTENSION timescaledb UPDATE.");
        }

        if (manifest.Edition == TimescaleEdition.Community && target.Edition != TimescaleEdition.Community)
        {
            throw new TradingBackupException(
                $"the backup was taken on the TimescaleDB community edition, and the server of database {database} runs the {target.Edition.ToString().ToLowerInvariant()} edition, " +
                "which cannot hold its continuous aggregates, compression or policies; nothing was restored. Restore on a community-edition server.");
        }
    }

    private async Task<int> RestoreItemsAsync(
        PgTool pgRestore, PgConnection target, BackupFile backup, IReadOnlyList<string> items, bool schemaOnly, bool timescale, bool staged, IProgress<BackupProgress>? progress,
        CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(target.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (timescale)
            {
                await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS timescaledb", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, "SELECT timescaledb_pre_restore()", cancellationToken).ConfigureAwait(false);
            }

            if (schemaOnly)
            {
                // The same TimescaleDB version as the backup's (checked before), so its configuration tables are the backup's.
                items = RestoreList.SchemaOnly(items, timescale ? await ExtensionConfigTablesAsync(connection, cancellationToken).ConfigureAwait(false) : new HashSet<(string, string)>());
            }
        }

        // The list is staged beside the dump, never in the shared temporary directory.
        var listFile = backup.DumpPath + ".restore-" + Guid.NewGuid().ToString("N")[..8] + ".list";
        PgProcess.Result result;
        try
        {
            await PrivateFiles.WriteAllTextAsync(listFile, string.Join('\n', items) + "\n", cancellationToken).ConfigureAwait(false);
            var done = 0;
            result = await PgProcess.RunAsync(
                pgRestore,
                [.. target.Arguments(), "--exit-on-error", "--verbose", "--use-list=" + listFile, backup.DumpPath],
                target,
                cancellationToken,
                onErrorLine: line =>
                {
                    if (line.StartsWith("pg_restore: creating ", StringComparison.Ordinal) || line.StartsWith("pg_restore: processing data for table ", StringComparison.Ordinal))
                    {
                        var count = Interlocked.Increment(ref done);
                        progress?.Report(new BackupProgress(BackupStage.Restoring, Math.Min(count, items.Count), items.Count, line["pg_restore: ".Length..]));
                    }
                }).ConfigureAwait(false);
        }
        catch
        {
            if (timescale)
            {
                await PostRestoreQuietlyAsync(target).ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            DeleteQuietly(listFile);
        }

        if (!result.Succeeded)
        {
            if (timescale)
            {
                await PostRestoreQuietlyAsync(target).ConfigureAwait(false);
            }

            throw new TradingBackupException(
                $"pg_restore of {backup.DumpPath} into database {target.Database} failed with exit code {result.ExitCode}{Signal(result.ExitCode)}: {Tail(result.ErrorTail)}");
        }

        // Counted before timescaledb_post_restore(): until then no job of the restored database (a retention policy) runs.
        try
        {
            await CheckRowsAsync(target, backup.Manifest, schemaOnly, timescale, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (timescale)
            {
                await PostRestoreQuietlyAsync(target).ConfigureAwait(false);
            }

            throw;
        }

        if (timescale)
        {
            await PostRestoreAsync(target, staged, cancellationToken).ConfigureAwait(false);
        }

        return items.Count;
    }

    // On a fresh connection: the one that ran timescaledb_pre_restore() may have been idle for the whole restore.
    // It turns background jobs back on and clears timescaledb.restoring for the database. A staged copy (restore
    // --replace) that fails here is dropped by the caller, and the database it was to replace stays as it was.
    private static async Task PostRestoreAsync(PgConnection target, bool staged, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new NpgsqlConnection(target.ConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, "SELECT timescaledb_post_restore()", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new TradingBackupException(
                staged
                    ? $"pg_restore finished, and timescaledb_post_restore() failed in the restored copy {target.Database}: {ex.Message}. The copy was dropped"
                    : $"pg_restore finished, and timescaledb_post_restore() failed in database {target.Database}: {ex.Message}. The database stays in restore mode " +
                      $"(timescaledb.restoring = on, background jobs stopped): connect to it and run SELECT timescaledb_post_restore().",
                ex);
        }
    }

    private static async Task PostRestoreQuietlyAsync(PgConnection target)
    {
        try
        {
            await PostRestoreAsync(target, staged: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TradingBackupException)
        {
            // The restore's own failure is what the caller hears about.
        }
    }

    // Every table of the manifest holds as many rows as the manifest says (a schema restore: none, but the journal).
    private static async Task CheckRowsAsync(PgConnection database, BackupManifest manifest, bool schemaOnly, bool timescale, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var connection = new NpgsqlConnection(database.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (timescale)
            {
                // The database is still in restore mode (its jobs stay stopped); this session reads hypertables as TimescaleDB does.
                await ExecuteAsync(connection, "SET timescaledb.restoring = off", cancellationToken).ConfigureAwait(false);
            }

            foreach (var table in manifest.Tables)
            {
                var expected = schemaOnly && table.Name != "trading.schema_migrations" ? 0 : table.Rows;
                var dot = table.Name.IndexOf('.', StringComparison.Ordinal);
                var (schema, name) = dot > 0 ? (table.Name[..dot], table.Name[(dot + 1)..]) : ("trading", table.Name);
                using var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
                exists.Parameters.AddWithValue("name", PgIdentifier.Pattern(schema, name));
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                {
                    problems.Add($"{table.Name} is missing");
                    continue;
                }

                var rows = await CountAsync(connection, new TableName(schema, name), cancellationToken).ConfigureAwait(false);
                if (rows != expected)
                {
                    problems.Add($"{table.Name} has {rows} rows, and the manifest says {expected}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new TradingBackupException($"the restored database {database.Database} does not match the backup's manifest ({string.Join("; ", problems)})");
        }
    }
}
