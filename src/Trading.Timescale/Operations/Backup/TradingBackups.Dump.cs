using System.Data;
using Npgsql;
using Trading.Timescale.Internal;
using NodaTime;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

// Backups with pg_dump: the attempts, the table locks, the snapshot, the arguments and the verification.
public sealed partial class TradingBackups
{
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
        catch (PostgresException ex) when (PostgresErrors.IsPermissionDenied(ex) && shareLocks)
        {
            return (null, DumpRetry.WithoutShareLocks, null);
        }
        catch (PostgresException ex) when (PostgresErrors.IsUndefinedTable(ex))
        {
            return (null, DumpRetry.TablesChanged, ex.MessageText);
        }
        catch (PostgresException ex) when (PostgresErrors.IsDeadlock(ex))
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
        catch (PostgresException ex) when (PostgresErrors.IsLockNotAvailable(ex))
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
            arguments.AddRange(await KindArgumentsAsync(connection, request, server, selected, chunkSchemas, cancellationToken).ConfigureAwait(false));

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

    // What pg_dump is asked for besides the format, the snapshot and the connection: a schema backup keeps the
    // schema journal's rows and no other table data; a data backup dumps the selected tables and their chunks.
    private static async Task<List<string>> KindArgumentsAsync(
        NpgsqlConnection connection, BackupRequest request, TimescaleServerInfo server, List<TableName> selected, List<string> chunkSchemas,
        CancellationToken cancellationToken)
    {
        var arguments = new List<string>();
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

        return arguments;
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
}
