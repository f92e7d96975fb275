using System.Data;
using System.Diagnostics;
using Npgsql;
using NodaTime;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

/// <summary>
/// Logical backups of the trading database with the real pg_dump and pg_restore: full, schema-only and per-table data
/// backups with a manifest, restores that are safe on TimescaleDB (same extension version, <c>timescaledb_pre_restore()</c>
/// and <c>timescaledb_post_restore()</c> around the data, no parallel catalog restore), and clones; and portable backups
/// (<see cref="BackupKind.Portable"/>), which a database owner without superuser takes and restores with COPY and the
/// schema installer, into any TimescaleDB version or edition.
/// </summary>
/// <remarks>
/// The password never appears in a process's arguments: it goes to pg_dump and pg_restore through a PGPASSFILE that is
/// written 0600 for the run, names the exact host, port, database and user, and is deleted afterwards. The tools get
/// one quoted connection string with every host, the TLS settings and the database, and none of the caller's PG*
/// environment variables. Backup directories are created 0700, dumps and manifests 0600.
/// </remarks>
public sealed partial class TradingBackups
{
    private readonly PgConnection _connection;

    /// <summary>Creates the backups capability for a server and database.</summary>
    /// <param name="connectionString">An Npgsql connection string or <c>postgresql://</c> URL of the database to back up or restore into.</param>
    /// <param name="postgresBinDirectory">The directory of pg_dump and pg_restore; when <see langword="null"/>, they are looked up in <c>/usr/lib/postgresql/N/bin</c>, then on PATH.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> cannot be read.</exception>
    public TradingBackups(string connectionString, string? postgresBinDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _connection = new PgConnection(TradingConnectionString.Normalize(connectionString));
        PostgresBinDirectory = postgresBinDirectory;
    }

    /// <summary>
    /// Creates the backups capability for the server and database of a data source, with the data source's password
    /// (which <see cref="NpgsqlDataSource.ConnectionString"/> leaves out).
    /// </summary>
    /// <param name="dataSource">The data source, for example the one <c>AddTradingTimescale().UseDataSource()</c> adopts.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    public TradingBackups(NpgsqlDataSource dataSource)
        : this(ConnectionStringWithPassword(dataSource))
    {
    }

    /// <summary>The directory of pg_dump and pg_restore, or <see langword="null"/> to look them up.</summary>
    public string? PostgresBinDirectory { get; }

    /// <summary>The database that CREATE DATABASE and DROP DATABASE run from; <c>postgres</c> unless changed.</summary>
    public string MaintenanceDatabase { get; init; } = "postgres";

    /// <summary>
    /// The key that signs the manifests of new backups and that every restored backup must be signed with (see
    /// <see cref="BackupSigningKey"/>); <see langword="null"/> writes unsigned manifests and checks only the SHA-256.
    /// </summary>
    public BackupSigningKey? SigningKey { get; init; }

    /// <summary>The database backups are taken from, and restored into unless a request names another.</summary>
    public string Database => _connection.Database;

    /// <summary>
    /// Writes one custom-format dump (<c>pg_dump -Fc</c>) of the database and its manifest into the request's directory.
    /// Row counts and the schema journal are read in the same snapshot pg_dump uses. The dump is written to a
    /// <c>.partial</c> name and renamed only after pg_dump succeeded and <c>pg_restore --list</c> read it back; a failed
    /// or cancelled backup leaves no file that looks complete.
    /// </summary>
    /// <param name="request">What to back up and where.</param>
    /// <param name="progress">Receives the bytes written and the verification; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the backup: pg_dump is stopped and the partial file deleted.</param>
    /// <returns>The verified backup.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The directory is empty, or tables are given for a kind that takes none (or none for a data backup).</exception>
    /// <exception cref="TradingBackupException">A table is unknown, pg_dump is missing or too old for the server, or pg_dump or the verification failed.</exception>
    public async Task<BackupFile> BackupAsync(BackupRequest request, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Directory))
        {
            throw new ArgumentException("The backup directory is empty: pass the directory the dump is written to.", nameof(request));
        }

        if (request.Kind == BackupKind.Data ? request.Tables.Count == 0 : request.Tables.Count > 0)
        {
            throw new ArgumentException(
                request.Kind == BackupKind.Data
                    ? "A data backup needs at least one table, for example trading.stock_prices."
                    : $"A {request.Kind.ToString().ToLowerInvariant()} backup takes no tables (got {string.Join(", ", request.Tables)}); use a data backup for single tables.",
                nameof(request));
        }

        if (request.Kind == BackupKind.Portable)
        {
            return await PortableBackupAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }

        var directory = PrivateFiles.CreateDirectory(request.Directory);

        var connection = new NpgsqlConnection(_connection.ConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
        var serverMajor = await ServerMajorAsync(connection, cancellationToken).ConfigureAwait(false);
        var pgDump = await PgTool.FindAsync("pg_dump", serverMajor, $"Backing up PostgreSQL {server.ServerVersion}", PostgresBinDirectory, cancellationToken).ConfigureAwait(false);
        var pgRestore = await PgTool.FindAsync("pg_restore", pgDump.Major, $"Verifying a dump of pg_dump {pgDump.Version}", PostgresBinDirectory, cancellationToken).ConfigureAwait(false);

        Dump? dump = null;
        var shareLocks = true;
        for (var attempt = 1; dump is null; attempt++)
        {
            (dump, var retry, var detail) = await DumpOnceAsync(connection, request, directory, server, pgDump, shareLocks, progress, cancellationToken).ConfigureAwait(false);
            switch (retry)
            {
                case DumpRetry.WithoutShareLocks:
                    // A role that may only read the tables holds them in ACCESS SHARE mode: a chunk operation then
                    // reaches its exclusive lock, queues pg_dump behind it, and the dump is taken again.
                    shareLocks = false;
                    attempt--;
                    break;
                case DumpRetry.TablesChanged or DumpRetry.Blocked when attempt >= MaxDumpAttempts:
                    throw new TradingBackupException(
                        $"pg_dump of database {_connection.Database} could not take its table locks in {MaxDumpAttempts} attempts: " +
                        (retry == DumpRetry.Blocked
                            ? "another session waits for an ACCESS EXCLUSIVE lock on a table of the dump (drop_chunks, a retention policy, TRUNCATE, ALTER TABLE, VACUUM FULL)"
                            : "tables and chunks were created or dropped while the dump's tables were being locked") +
                        $" (last: {detail}); nothing was kept. Take the backup again when that work is done.");
                case DumpRetry.TablesChanged or DumpRetry.Blocked:
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        var (createdAt, tables, journal, dumpPath, partialDump) = dump;
        var manifestPath = BackupManifest.PathFor(dumpPath);
        var partialManifest = manifestPath + ".partial";
        try
        {
            var size = FileSize(partialDump);
            progress?.Report(new BackupProgress(BackupStage.Verifying, 0, size, Path.GetFileName(dumpPath)));
            var list = await PgProcess.RunAsync(pgRestore, ["--list", partialDump], null, cancellationToken).ConfigureAwait(false);
            if (!list.Succeeded || RestoreList.Items(list.Output).Count == 0)
            {
                throw new TradingBackupException(
                    $"the dump of database {_connection.Database} did not verify: pg_restore --list exited with {list.ExitCode}: {Tail(list.ErrorTail)}; nothing was kept.");
            }

            PrivateFiles.Restrict(partialDump);
            return await CompleteAsync(request.Kind, dumpPath, createdAt, server, pgDump.Version, tables, journal, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            DeleteQuietly(partialDump);
            DeleteQuietly(partialManifest);
            throw;
        }
    }

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

    /// <summary>
    /// Copies one database into a new one on the same server: a full backup of <paramref name="sourceDatabase"/> staged in
    /// a private subdirectory of <paramref name="stagingDirectory"/>, restored into <paramref name="targetDatabase"/>,
    /// which must not exist. This works while TimescaleDB's background workers are connected to the source, which
    /// <c>CREATE DATABASE ... TEMPLATE</c> does not.
    /// </summary>
    /// <param name="sourceDatabase">The database to copy.</param>
    /// <param name="targetDatabase">The new database.</param>
    /// <param name="stagingDirectory">Where the copy is staged, for example the backup directory; created 0700 when missing. The staged files are deleted afterwards.</param>
    /// <param name="progress">Receives the dump and restore progress; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the clone.</param>
    /// <returns>What was restored into the new database.</returns>
    /// <exception cref="ArgumentException">A name or the staging directory is empty, or both names are the same.</exception>
    /// <exception cref="TradingBackupException">The target exists, or the backup or restore failed.</exception>
    public async Task<RestoreResult> CloneAsync(
        string sourceDatabase, string targetDatabase, string stagingDirectory, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceDatabase);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetDatabase);
        ArgumentException.ThrowIfNullOrWhiteSpace(stagingDirectory);
        if (string.Equals(sourceDatabase, targetDatabase, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The source and target database are both {sourceDatabase}; name a new database as the target.", nameof(targetDatabase));
        }

        var maintenance = new NpgsqlConnection(_connection.ForDatabase(MaintenanceDatabase).ConnectionString);
        await using (maintenance.ConfigureAwait(false))
        {
            await maintenance.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!await DatabaseExistsAsync(maintenance, sourceDatabase, cancellationToken).ConfigureAwait(false))
            {
                throw new TradingBackupException($"the source database {sourceDatabase} does not exist; nothing was cloned.");
            }

            if (await DatabaseExistsAsync(maintenance, targetDatabase, cancellationToken).ConfigureAwait(false))
            {
                throw new TradingBackupException($"the target database {targetDatabase} already exists; clone into a new database name.");
            }
        }

        PrivateFiles.CreateDirectory(stagingDirectory);
        var staged = PrivateFiles.CreateDirectory(Path.Combine(stagingDirectory, "clone-" + Guid.NewGuid().ToString("N")));
        try
        {
            var source = new TradingBackups(_connection.ForDatabase(sourceDatabase).ConnectionString, PostgresBinDirectory)
            {
                MaintenanceDatabase = MaintenanceDatabase,
                SigningKey = SigningKey,
            };
            var backup = await source.BackupAsync(new BackupRequest(BackupKind.Full, staged), progress, cancellationToken).ConfigureAwait(false);
            return await source.RestoreAsync(
                new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = targetDatabase, CreateDatabase = true }, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(staged, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A staged copy; the restore's outcome is what matters.
            }
        }
    }

    private const string TradingTableCountSql = """
        SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p')
        """;

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

    // Gives the restored database the target's name: the target stops taking connections, its sessions end, and both
    // renames commit in one transaction; then the old database is dropped.
    private async Task SwapAsync(NpgsqlConnection maintenance, string target, string staging, CancellationToken cancellationToken)
    {
        var retired = DerivedName(target, "_replaced_" + Guid.NewGuid().ToString("N")[..8]);
        await ExecuteAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(target)} WITH ALLOW_CONNECTIONS false", cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            await TerminateSessionsAsync(maintenance, target, cancellationToken).ConfigureAwait(false);
            try
            {
                var transaction = await maintenance.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await ExecuteAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(target)} RENAME TO {PgIdentifier.Quote(retired)}", cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(staging)} RENAME TO {PgIdentifier.Quote(target)}", cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
            {
                await ExecuteQuietlyAsync(maintenance, $"ALTER DATABASE {PgIdentifier.Quote(target)} WITH ALLOW_CONNECTIONS true").ConfigureAwait(false);
                throw new TradingBackupException(
                    $"the backup was restored into database {staging}, and it could not take the name {target}: {ex.Message}; database {target} was not changed. " +
                    $"Rename them when no session uses {target}, or drop {staging}.", ex);
            }
        }

        await DropQuietlyAsync(retired).ConfigureAwait(false);
    }

    private static async Task TerminateSessionsAsync(NpgsqlConnection maintenance, string database, CancellationToken cancellationToken)
    {
        try
        {
            using var command = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", maintenance);
            command.Parameters.AddWithValue("name", database);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // Sessions of other roles stay; the rename waits for them and reports when they do not end.
        }
    }

    private async Task DropQuietlyAsync(string database)
    {
        try
        {
            var connection = new NpgsqlConnection(_connection.ForDatabase(MaintenanceDatabase).ConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {PgIdentifier.Quote(database)} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // Left behind under a name that says what it is.
        }
    }

    private static async Task ExecuteQuietlyAsync(NpgsqlConnection connection, string sql)
    {
        try
        {
            await ExecuteAsync(connection, sql, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // Best effort on the way out of a failure that is reported.
        }
    }

    // A database name of at most 63 bytes: the target's name, shortened when needed, then the suffix.
    private static string DerivedName(string target, string suffix)
    {
        var prefix = target;
        while (System.Text.Encoding.UTF8.GetByteCount(prefix + suffix) > 63)
        {
            prefix = prefix[..^1];
        }

        return prefix + suffix;
    }

    private static string ConnectionStringWithPassword(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        // NpgsqlDataSource.ConnectionString leaves the password out; a clone of one of its connections carries it
        // (Npgsql's CloneWith keeps the data source's security information), and an unopened connection shows its full string.
        using var connection = dataSource.CreateConnection();
        using var copy = connection.CloneWith(dataSource.ConnectionString);
        return copy.ConnectionString;
    }

    private sealed record TableName(string Schema, string Table)
    {
        public string Name => Schema + "." + Table;
    }

    private static async Task<List<TableName>> TradingTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p') ORDER BY c.relname
            """;
        var tables = new List<TableName>();
        using var command = new NpgsqlCommand(sql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(new TableName(reader.GetString(0), reader.GetString(1)));
            }
        }

        return tables;
    }

    private static List<TableName> ResolveTables(IReadOnlyList<string> requested, List<TableName> tables)
    {
        var resolved = new List<TableName>();
        foreach (var name in requested)
        {
            var trimmed = name.Trim();
            var bare = trimmed.StartsWith("trading.", StringComparison.OrdinalIgnoreCase) ? trimmed["trading.".Length..] : trimmed;
            var match = tables.FirstOrDefault(t => string.Equals(t.Table, bare, StringComparison.OrdinalIgnoreCase))
                ?? throw new TradingBackupException(
                    $"table \"{name}\" is not a table of the trading schema; nothing was written. Tables: {(tables.Count == 0 ? "none (run migrate first)" : string.Join(", ", tables.Select(t => t.Name)))}.");
            if (!resolved.Contains(match))
            {
                resolved.Add(match);
            }
        }

        return resolved;
    }

    private const int MaxDumpAttempts = 5;

    private enum DumpRetry
    {
        None,
        WithoutShareLocks,
        TablesChanged,
        Blocked,
    }

    private sealed record Dump(Instant CreatedAt, List<BackupTable> Tables, List<BackupJournalEntry> Journal, string DumpPath, string PartialDump);

    // One pg_dump in an exported snapshot. For full and data backups the tables pg_dump will dump are locked before the
    // snapshot is taken and stay locked until pg_dump holds them itself (see DumpLocks); when that cannot be done the
    // attempt is abandoned (nothing kept) and the caller tries again.
    private async Task<(Dump? Dump, DumpRetry Retry, string? Detail)> DumpOnceAsync(
        NpgsqlConnection connection, BackupRequest request, string directory, TimescaleServerInfo server, PgTool pgDump, bool shareLocks,
        IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        List<string>? dataTables = request.Kind == BackupKind.Data
            ? [.. ResolveTables(request.Tables, await TradingTablesAsync(connection, cancellationToken).ConfigureAwait(false)).Select(t => t.Table)]
            : null;
        var roots = request.Kind == BackupKind.Schema
            ? []
            : await DumpLocks.ListAsync(connection, await ChunkSchemasAsync(connection, server, cancellationToken).ConfigureAwait(false), dataTables, server.ExtensionInstalled, roots: true, cancellationToken).ConfigureAwait(false);

        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await ExecuteAsync(connection, "SET TRANSACTION READ ONLY", cancellationToken).ConfigureAwait(false);
        try
        {
            await DumpLocks.LockAsync(connection, roots, shareLocks, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege && shareLocks)
        {
            return (null, DumpRetry.WithoutShareLocks, null);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return (null, DumpRetry.TablesChanged, ex.MessageText);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            // A chunk operation held one table exclusively and waited for another that this lock already held.
            return (null, DumpRetry.Blocked, ex.MessageText);
        }

        var snapshot = (string)(await ScalarAsync(connection, "SELECT pg_export_snapshot()", cancellationToken).ConfigureAwait(false))!;
        var createdAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind((DateTime)(await ScalarAsync(connection, "SELECT now()", cancellationToken).ConfigureAwait(false))!, DateTimeKind.Utc));
        var allTables = await TradingTablesAsync(connection, cancellationToken).ConfigureAwait(false);
        var selected = request.Kind == BackupKind.Data ? ResolveTables(request.Tables, allTables) : allTables;
        var chunkSchemas = await ChunkSchemasAsync(connection, server, cancellationToken).ConfigureAwait(false);
        var guarded = request.Kind == BackupKind.Schema
            ? []
            : await DumpLocks.ListAsync(connection, chunkSchemas, dataTables, server.ExtensionInstalled, roots: false, cancellationToken).ConfigureAwait(false);
        var rootsNow = request.Kind == BackupKind.Schema
            ? []
            : await DumpLocks.ListAsync(connection, chunkSchemas, dataTables, server.ExtensionInstalled, roots: true, cancellationToken).ConfigureAwait(false);
        if (await DumpLocks.NotHeldAsync(connection, rootsNow, cancellationToken).ConfigureAwait(false) is { Count: > 0 } unheld)
        {
            // A hypertable of the snapshot created after the listing, not locked: its chunks are not safe.
            return (null, DumpRetry.TablesChanged, $"{string.Join(", ", unheld.Take(3).Select(r => r.Name))} appeared after the tables were listed");
        }

        // The rows are counted in the dump's snapshot on a second connection, beside pg_dump. It holds the dump's tables
        // in ACCESS SHARE mode before the backup lets go of them, so no truncate reaches a table before it is counted.
        var counter = new NpgsqlConnection(_connection.ConnectionString);
        await using var counterScope = counter.ConfigureAwait(false);
        await counter.OpenAsync(cancellationToken).ConfigureAwait(false);
        var counterTransaction = await counter.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var counterTransactionScope = counterTransaction.ConfigureAwait(false);
        await ExecuteAsync(counter, "SET TRANSACTION SNAPSHOT '" + snapshot.Replace("'", "''", StringComparison.Ordinal) + "'", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(counter, "SET LOCAL lock_timeout = '2s'", cancellationToken).ConfigureAwait(false);
            await DumpLocks.LockAsync(counter, guarded, share: false, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(counter, "SET LOCAL lock_timeout = 0", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return (null, DumpRetry.Blocked, "the rows of the snapshot could not be locked for counting within 2 s");
        }

        using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var counting = CountAllAsync(counter, request.Kind == BackupKind.Schema ? selected.Where(t => t.Table == "schema_migrations") : selected, attemptCancellation.Token);
        var finished = false;
        string? partialDump = null;
        Task<PgProcess.Result>? running = null;
        try
        {
            var application = "trading-timescale backup " + Guid.NewGuid().ToString("N")[..12];
            var dumpConnection = _connection.WithApplicationName(application);
            var arguments = new List<string> { "--format=custom", "--snapshot=" + snapshot };
            arguments.AddRange(dumpConnection.Arguments());
            switch (request.Kind)
            {
                case BackupKind.Full:
                    break;
                case BackupKind.Schema:
                    foreach (var table in selected.Where(t => t.Table != "schema_migrations"))
                    {
                        arguments.Add("--exclude-table-data=" + PgIdentifier.Pattern(table.Schema, table.Table));
                    }

                    foreach (var chunkSchema in chunkSchemas)
                    {
                        arguments.Add("--exclude-table-data=" + PgIdentifier.Quote(chunkSchema) + ".*");
                    }

                    break;
                case BackupKind.Data:
                    arguments.Add("--data-only");
                    foreach (var table in selected)
                    {
                        arguments.Add("--table=" + PgIdentifier.Pattern(table.Schema, table.Table));
                    }

                    foreach (var (schema, chunk) in await ChunksAsync(connection, server, selected, cancellationToken).ConfigureAwait(false))
                    {
                        arguments.Add("--table=" + PgIdentifier.Pattern(schema, chunk));
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Unknown backup kind.");
            }

            var journal = await JournalAsync(connection, cancellationToken).ConfigureAwait(false);

            var stem = $"{Sanitize(_connection.Database)}_{request.Kind.ToString().ToLowerInvariant()}_{createdAt.ToDateTimeUtc():yyyyMMdd'T'HHmmssfff'Z'}";
            var dumpPath = Path.Combine(directory, stem + BackupManifest.DumpExtension);
            if (File.Exists(dumpPath) || File.Exists(BackupManifest.PathFor(dumpPath)))
            {
                throw new TradingBackupException($"{dumpPath} already exists; nothing was written.");
            }

            partialDump = dumpPath + ".partial";
            arguments.Add("--file=" + partialDump);
            // pg_dump opens the file it is given without changing its mode: created here 0600, it never is readable by others.
            await PrivateFiles.Create(partialDump).DisposeAsync().ConfigureAwait(false);
            running = PgProcess.RunAsync(pgDump, arguments, dumpConnection, attemptCancellation.Token, whileRunning: () =>
            {
                progress?.Report(new BackupProgress(BackupStage.Dumping, FileSize(partialDump), Item: Path.GetFileName(dumpPath)));
                return Task.CompletedTask;
            });
            var released = false;
            if (guarded.Count > 0)
            {
                bool held;
                try
                {
                    held = await DumpLocks.WaitUntilHeldAsync(_connection.ConnectionString, application, connection.ProcessID, guarded, running, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await StopQuietlyAsync(running, attemptCancellation).ConfigureAwait(false);
                    throw;
                }

                if (!held)
                {
                    await StopQuietlyAsync(running, attemptCancellation).ConfigureAwait(false);
                    return (null, DumpRetry.Blocked, "pg_dump waited for a session that waited for the backup's locks");
                }

                if (!running.IsCompleted)
                {
                    // pg_dump holds every table: writes and chunk operations may go on and wait only for its locks.
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    released = true;
                }
            }

            var result = await running.ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new TradingBackupException(
                    $"pg_dump ({pgDump.Path}) of database {_connection.Database} failed with exit code {result.ExitCode}{Signal(result.ExitCode)}: {Tail(result.ErrorTail)}; nothing was kept.");
            }

            if (!released)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            var counted = await counting.ConfigureAwait(false);
            await counterTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            var tables = selected.Select(t => new BackupTable(t.Name, counted.TryGetValue(t, out var rows) ? rows : 0)).ToList();
            finished = true;
            return (new Dump(createdAt, tables, journal, dumpPath, partialDump), DumpRetry.None, null);
        }
        finally
        {
            if (!finished)
            {
                await attemptCancellation.CancelAsync().ConfigureAwait(false);
                if (running is not null)
                {
                    // Whatever ended the attempt (cancellation included), pg_dump has exited before the caller hears of it.
                    try
                    {
                        await running.ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or TradingBackupException or InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // The attempt's own outcome is what the caller hears about.
                    }
                }

                try
                {
                    await counting.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException)
                {
                    // The attempt's own outcome is what the caller hears about.
                }

                if (partialDump is not null)
                {
                    DeleteQuietly(partialDump);
                }
            }
        }
    }

    private static async Task StopQuietlyAsync(Task<PgProcess.Result> running, CancellationTokenSource cancellation)
    {
        await cancellation.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose: the attempt is abandoned.
        }
    }

    private static async Task<Dictionary<TableName, long>> CountAllAsync(NpgsqlConnection connection, IEnumerable<TableName> tables, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<TableName, long>();
        foreach (var table in tables)
        {
            counts[table] = await CountAsync(connection, table, cancellationToken).ConfigureAwait(false);
        }

        return counts;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, TableName table, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand($"SELECT count(*) FROM {PgIdentifier.Pattern(table.Schema, table.Table)}", connection) { CommandTimeout = 0 };
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    // The schemas whose table data a schema backup leaves out: every schema holding chunks, and every schema of the
    // extension that holds none of its configuration tables (compressed chunks live there too). Read from
    // timescaledb_information and PostgreSQL's own catalog of extension members.
    private const string ChunkSchemasSql = """
        SELECT c.chunk_schema::text FROM timescaledb_information.chunks c
        UNION
        SELECT n.nspname::text
        FROM pg_catalog.pg_extension e
        JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = e.oid AND d.deptype = 'e'
             AND d.classid = 'pg_catalog.pg_namespace'::regclass
        JOIN pg_catalog.pg_namespace n ON n.oid = d.objid
        WHERE e.extname = 'timescaledb'
          AND NOT EXISTS (SELECT FROM unnest(e.extconfig) AS config(relid) JOIN pg_catalog.pg_class t ON t.oid = config.relid WHERE t.relnamespace = n.oid)
        ORDER BY 1
        """;

    // TimescaleDB's configuration tables (the extension's catalog, whose rows pg_dump keeps), from pg_extension.extconfig.
    private const string ExtensionConfigTablesSql = """
        SELECT n.nspname::text, t.relname::text
        FROM pg_catalog.pg_extension e
        CROSS JOIN LATERAL unnest(e.extconfig) AS config(relid)
        JOIN pg_catalog.pg_class t ON t.oid = config.relid
        JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
        WHERE e.extname = 'timescaledb'
        """;

    private static async Task<List<string>> ChunkSchemasAsync(NpgsqlConnection connection, TimescaleServerInfo server, CancellationToken cancellationToken)
    {
        var schemas = new List<string>();
        if (!server.ExtensionInstalled)
        {
            return schemas;
        }

        using var command = new NpgsqlCommand(ChunkSchemasSql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                schemas.Add(reader.GetString(0));
            }
        }

        return schemas;
    }

    private static async Task<HashSet<(string Schema, string Table)>> ExtensionConfigTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new HashSet<(string, string)>();
        using var command = new NpgsqlCommand(ExtensionConfigTablesSql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return tables;
    }

    private static async Task<List<(string Schema, string Table)>> ChunksAsync(NpgsqlConnection connection, TimescaleServerInfo server, List<TableName> tables, CancellationToken cancellationToken)
    {
        var chunks = new List<(string, string)>();
        if (!server.ExtensionInstalled)
        {
            return chunks;
        }

        // The chunks of the hypertables. A compressed chunk keeps its rows in a table that no public view names.
        const string sql = """
            SELECT c.hypertable_name::text, c.chunk_schema::text, c.chunk_name::text, c.is_compressed
            FROM timescaledb_information.chunks c
            WHERE c.hypertable_schema = @schema AND c.hypertable_name = ANY(@tables)
            ORDER BY c.hypertable_name, c.range_start, c.chunk_name
            """;
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("schema", "trading");
        command.Parameters.AddWithValue("tables", tables.Select(t => t.Table).ToArray());
        var compressed = new List<(string Hypertable, string Chunk)>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                chunks.Add((reader.GetString(1), reader.GetString(2)));
                if (reader.GetBoolean(3))
                {
                    compressed.Add(("trading." + reader.GetString(0), reader.GetString(1) + "." + reader.GetString(2)));
                }
            }
        }

        if (compressed.Count > 0)
        {
            var byTable = compressed.GroupBy(c => c.Hypertable).Select(g => $"{g.Key} has {g.Count()} compressed chunk(s) ({string.Join(", ", g.Take(3).Select(c => c.Chunk))}{(g.Count() > 3 ? ", ..." : "")})");
            throw new TradingBackupException(
                $"a data backup cannot hold compressed chunks: {string.Join("; ", byTable)}, and TimescaleDB names the tables of their compressed rows in no public view; nothing was written. " +
                "Take a full backup, or decompress them first: SELECT decompress_chunk(c, true) FROM show_chunks('TABLE') c.");
        }

        return chunks;
    }

    private static async Task<List<BackupJournalEntry>> JournalAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var journal = new List<BackupJournalEntry>();
        if (await ScalarAsync(connection, "SELECT to_regclass('trading.schema_migrations') IS NOT NULL", cancellationToken).ConfigureAwait(false) is not true)
        {
            return journal;
        }

        using var command = new NpgsqlCommand(
            "SELECT id, kind, edition, file_name, checksum, applied_at FROM trading.schema_migrations ORDER BY kind DESC, id", connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                journal.Add(new BackupJournalEntry(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc))));
            }
        }

        return journal;
    }

    private static async Task<int> ServerMajorAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        int.Parse((string)(await ScalarAsync(connection, "SHOW server_version_num", cancellationToken).ConfigureAwait(false))!, System.Globalization.CultureInfo.InvariantCulture) / 10000;

    private static async Task<bool> DatabaseExistsAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = @name)", connection);
        command.Parameters.AddWithValue("name", database);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static long FileSize(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left with its .partial name, which never looks complete.
        }
    }

    private static string Sanitize(string database) =>
        new([.. database.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_')]);

    private static string Signal(int exitCode) => exitCode > 128 ? $" (killed by signal {exitCode - 128})" : string.Empty;

    private static string Tail(string errors) => errors.Length == 0 ? "no error output" : errors;
}
