using System.Data;
using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using Npgsql;
using NodaTime;
using Trading.Timescale.Internal;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Schema;
using Trading.Timescale.Schema.Internal;

namespace Trading.Timescale.Operations;

// Portable backups: the rows of the trading tables as binary COPY streams in a tar archive, taken and restored without
// pg_dump, pg_restore or TimescaleDB's catalog, so a database owner who is not a superuser can do both.
public sealed partial class TradingBackups
{
    /// <summary>The value of <see cref="BackupManifest.PgDumpVersion"/> in the manifest of a portable backup, which no pg_dump wrote.</summary>
    internal const string PortableWriter = "none (portable format 1)";

    private async Task<BackupFile> PortableBackupAsync(BackupRequest request, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var directory = PrivateFiles.CreateDirectory(request.Directory);
        var connection = new NpgsqlConnection(_connection.ConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);

        // One snapshot for every table: the archive is consistent across tables.
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        await ExecuteAsync(connection, "SET TRANSACTION READ ONLY", cancellationToken).ConfigureAwait(false);
        var createdAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind((DateTime)(await ScalarAsync(connection, "SELECT now()", cancellationToken).ConfigureAwait(false))!, DateTimeKind.Utc));
        var present = (await TradingTablesAsync(connection, cancellationToken).ConfigureAwait(false)).Select(t => t.Table).ToList();
        var foreign = present.Where(t => !PortableArchive.Tables.Contains(t) && !PortableArchive.CarriedOtherwise.Contains(t) && !PortableArchive.Derived.Contains(t)).ToList();
        if (foreign.Count > 0)
        {
            throw new TradingBackupException(
                $"database {_connection.Database} has the table(s) {string.Join(", ", foreign.Select(t => "trading." + t))} in the trading schema, which a portable backup does not hold " +
                $"(it holds {string.Join(", ", PortableArchive.Tables.Select(t => "trading." + t))}); nothing was written. Move them to another schema, or take a full backup.");
        }

        var journal = await JournalAsync(connection, cancellationToken).ConfigureAwait(false);
        var schemaVersion = journal.Where(j => j.Kind == "versioned").Select(j => j.Id).DefaultIfEmpty().Max(StringComparer.Ordinal)
            ?? throw new TradingBackupException($"database {_connection.Database} has no trading schema (no versioned migration in trading.schema_migrations); nothing was written. Run migrate first.");
        var settings = await PortableSettingsAsync(connection, cancellationToken).ConfigureAwait(false);
        var tables = new List<(string Table, List<PortableColumn> Columns)>();
        foreach (var table in PortableArchive.Tables.Where(present.Contains))
        {
            tables.Add((table, await ColumnsAsync(connection, table, cancellationToken).ConfigureAwait(false)));
        }

        var stem = $"{Sanitize(_connection.Database)}_{BackupKind.Portable.ToString().ToLowerInvariant()}_{createdAt.ToDateTimeUtc():yyyyMMdd'T'HHmmssfff'Z'}";
        var dumpPath = Path.Combine(directory, stem + BackupManifest.DumpExtension);
        var manifestPath = BackupManifest.PathFor(dumpPath);
        var partialDump = dumpPath + ".partial";
        var partialManifest = manifestPath + ".partial";
        if (File.Exists(dumpPath) || File.Exists(manifestPath))
        {
            throw new TradingBackupException($"{dumpPath} already exists; nothing was written.");
        }

        try
        {
            var written = new List<PortableTable>();
            var file = PrivateFiles.Create(partialDump);
            await using (file.ConfigureAwait(false))
            {
                var writer = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    foreach (var (table, columns) in tables)
                    {
                        var rows = await WriteTableAsync(connection, writer, table, columns, () =>
                            progress?.Report(new BackupProgress(BackupStage.Dumping, file.Position, Item: "trading." + table)), cancellationToken).ConfigureAwait(false);
                        written.Add(new PortableTable(table, columns, rows));
                    }

                    var header = new PortableHeader(
                        schemaVersion, server.ServerVersion, server.ExtensionInstalled ? server.TimescaleVersion : null,
                        server.ExtensionInstalled ? SchemaSettings.EditionName(server.Edition) : "none", settings, written);
                    var json = new UTF8Encoding(false).GetBytes(PortableArchive.ToJson(header).ToJsonString());
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, PortableArchive.HeaderEntry) { DataStream = new MemoryStream(json) }, cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            var size = FileSize(partialDump);
            progress?.Report(new BackupProgress(BackupStage.Verifying, 0, size, Path.GetFileName(dumpPath)));
            var read = await PortableArchive.ReadAsync(partialDump, null, cancellationToken).ConfigureAwait(false);
            if (!read.Tables.Select(t => (t.Table, t.Rows)).SequenceEqual(written.Select(t => (t.Table, t.Rows))))
            {
                throw new TradingBackupException($"the portable backup of database {_connection.Database} did not read back as written; nothing was kept.");
            }

            return await CompleteAsync(
                BackupKind.Portable, dumpPath, createdAt, server, PortableWriter, [.. written.Select(t => new BackupTable(t.Name, t.Rows))], journal, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            DeleteQuietly(partialDump);
            DeleteQuietly(partialManifest);
            throw;
        }
    }

    // One table's rows, read through its root (a hypertable's compressed chunks come out decompressed), as entries of
    // at most PortableArchive.PartBytes; returns the rows, counted from the stream itself.
    private static async Task<long> WriteTableAsync(
        NpgsqlConnection connection, TarWriter writer, string table, List<PortableColumn> columns, Action report, CancellationToken cancellationToken)
    {
        var sql = $"COPY (SELECT {string.Join(", ", columns.Select(c => PgIdentifier.Quote(c.Name)))} FROM {PgIdentifier.Pattern("trading", table)}) TO STDOUT (FORMAT binary)";
        var copy = await connection.BeginRawBinaryCopyAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            var counter = new PgCopyBinaryCounter($"the COPY of trading.{table}");
            var source = new PartSource(new PgCopyCountingStream(copy, counter));
            var part = 0;
            do
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, PortableArchive.PartName(table, ++part)) { DataStream = source.Next(PortableArchive.PartBytes) };
                await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                report();
            }
            while (await source.HasMoreAsync(cancellationToken).ConfigureAwait(false));

            counter.Complete();
            return counter.Rows;
        }
    }

    private static async Task<Dictionary<string, string>> PortableSettingsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var stored = await SchemaSettingsResolver.ReadStoredAsync(connection, null, cancellationToken).ConfigureAwait(false) ?? [];
        foreach (var setting in SchemaSettings.All)
        {
            if (stored.TryGetValue(setting.Name, out var value))
            {
                settings[setting.Name] = value;
            }
        }

        return settings;
    }

    // The columns COPY can write, in table order, with their types as format_type() writes them.
    private static async Task<List<PortableColumn>> ColumnsAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attgenerated <> ''
            FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = pg_catalog.to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """;
        var columns = new List<PortableColumn>();
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("table", PgIdentifier.Pattern("trading", table));
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!reader.GetBoolean(2))
                {
                    columns.Add(new PortableColumn(reader.GetString(0), reader.GetString(1)));
                }
            }
        }

        return columns;
    }

    private async Task<RestoreResult> PortableRestoreAsync(RestoreRequest request, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var backup = await BackupDirectory.VerifyAsync(request.DumpPath, SigningKey, progress, cancellationToken).ConfigureAwait(false);
        var manifest = backup.Manifest;
        if (manifest.Kind != BackupKind.Portable)
        {
            throw new TradingBackupException(
                $"{backup.DumpPath} is a {manifest.Kind.ToString().ToLowerInvariant()} backup: restore portable takes a portable backup; restore a full or schema backup as full or schema.");
        }

        // Everything in the archive is checked before anything is written.
        var header = await PortableArchive.ReadAsync(backup.DumpPath, null, cancellationToken).ConfigureAwait(false);
        var described = string.Join(", ", manifest.Tables.Select(t => $"{t.Name}={t.Rows}"));
        var held = string.Join(", ", header.Tables.Select(t => $"{t.Name}={t.Rows}"));
        if (described != held)
        {
            throw new TradingBackupException(
                $"{backup.DumpPath} holds the tables and rows {held}, and its manifest says {described}; nothing was restored.");
        }

        CheckSchemaVersion(backup.DumpPath, manifest, header);
        var settingFailures = TradingTimescaleOptionsValidator.CheckSettings(header.Settings);
        if (settingFailures.Count > 0)
        {
            throw new TradingBackupException($"{backup.DumpPath} holds settings the schema cannot take ({string.Join("; ", settingFailures)}); nothing was restored.");
        }

        var target = TargetName(request);

        var maintenance = new NpgsqlConnection(_connection.ForDatabase(MaintenanceDatabase).ConnectionString);
        await using var maintenanceScope = maintenance.ConfigureAwait(false);
        await maintenance.OpenAsync(cancellationToken).ConfigureAwait(false);
        var (exists, tradingTables, _) = await InspectTargetAsync(maintenance, target, request, cancellationToken).ConfigureAwait(false);

        var replacing = tradingTables > 0;
        var into = replacing ? DerivedName(target, "_restoring_" + Guid.NewGuid().ToString("N")[..8]) : target;
        var created = replacing || !exists;
        if (created)
        {
            await ExecuteAsync(maintenance, $"CREATE DATABASE {PgIdentifier.Quote(into)}", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await LoadPortableAsync(_connection.ForDatabase(into), backup.DumpPath, header, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (created)
            {
                await DropQuietlyAsync(into).ConfigureAwait(false);
            }

            if (ex is not (TradingBackupException or TradingSchemaException or NpgsqlException or Microsoft.Extensions.Options.OptionsValidationException))
            {
                throw;
            }

            var outcome = replacing ? $"; database {target} was not changed"
                : created ? $"; database {target}, created for the restore, was dropped"
                : $"; database {target} keeps the trading schema the restore installed, without rows";
            throw new TradingBackupException($"the portable restore of {backup.DumpPath} into database {into} failed: {ex.Message}{outcome}.", ex);
        }

        if (replacing)
        {
            await SwapAsync(maintenance, target, into, cancellationToken).ConfigureAwait(false);
        }

        return new RestoreResult(target, RestoreKind.Portable, manifest, created, header.Tables.Count, clock.Elapsed);
    }

    // The package must ship every versioned migration the backup's database had, unchanged: the rows then fit its schema.
    private static void CheckSchemaVersion(string path, BackupManifest manifest, PortableHeader header)
    {
        var catalog = MigrationCatalog.Load(EmbeddedMigrationSource.Instance);
        var versioned = manifest.Journal.Where(j => j.Kind == "versioned").ToList();
        var latest = versioned.Select(j => j.Id).DefaultIfEmpty().Max(StringComparer.Ordinal);
        if (!string.Equals(latest, header.SchemaVersion, StringComparison.Ordinal))
        {
            throw new TradingBackupException(
                $"{path} says its schema is at migration {header.SchemaVersion}, and its manifest's journal ends at {latest ?? "(none)"}; nothing was restored.");
        }

        var missing = versioned.Where(j => catalog.FindVersioned(j.Id, j.Edition) is null).Select(j => j.Id).ToList();
        if (missing.Count > 0)
        {
            throw new TradingBackupException(
                $"{path} holds rows of schema version {header.SchemaVersion}, and this trading-timescale ships the schema up to {catalog.LatestVersioned() ?? "(none)"}, without {string.Join(", ", missing)}; " +
                "nothing was restored. Restore it with a trading-timescale version that ships that schema.");
        }

        var changed = versioned.Where(j => catalog.FindVersioned(j.Id, j.Edition)!.Checksum != j.Checksum).Select(j => j.Id).ToList();
        if (changed.Count > 0)
        {
            throw new TradingBackupException(
                $"{path} was taken from a schema whose migration(s) {string.Join(", ", changed)} differ from the files this trading-timescale ships; nothing was restored.");
        }
    }

    // Installs the schema with the migrator and the backup's settings, copies every table in one transaction, sets the
    // sequences past the restored ids, rebuilds the continuous aggregates and checks the rows against the header.
    private static async Task LoadPortableAsync(PgConnection target, string path, PortableHeader header, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var options = SchemaSettings.ToOptions(header.Settings);
        var dataSource = NpgsqlDataSource.Create(target.ConnectionString);
        await using (dataSource.ConfigureAwait(false))
        {
            await new TradingSchemaInstaller(dataSource, options).MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new NpgsqlConnection(target.ConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in header.Tables)
        {
            await CheckColumnsAsync(connection, table, cancellationToken).ConfigureAwait(false);
        }

        // The policies the migrator just scheduled (retention, compression, refresh) wait until the rows are in and counted.
        var paused = await SetJobsScheduledAsync(connection, null, false, cancellationToken).ConfigureAwait(false);
        try
        {
            await CopyRowsAsync(connection, path, header, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await SetJobsScheduledAsync(connection, paused, true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The restore's own failure is what the caller hears about.
            }

            throw;
        }

        await SetJobsScheduledAsync(connection, paused, true, cancellationToken).ConfigureAwait(false);
    }

    // Pauses (scheduled = false) the database's own jobs that are scheduled, or resumes the given ones; returns their ids.
    private static async Task<List<int>> SetJobsScheduledAsync(NpgsqlConnection connection, List<int>? jobs, bool scheduled, CancellationToken cancellationToken)
    {
        if (jobs is null)
        {
            jobs = [];
            using var list = new NpgsqlCommand("SELECT job_id FROM timescaledb_information.jobs WHERE job_id >= 1000 AND scheduled ORDER BY job_id", connection);
            var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    jobs.Add(reader.GetInt32(0));
                }
            }
        }

        foreach (var job in jobs)
        {
            using var alter = new NpgsqlCommand("SELECT alter_job(@job, scheduled => @scheduled)", connection);
            alter.Parameters.AddWithValue("job", job);
            alter.Parameters.AddWithValue("scheduled", scheduled);
            await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return jobs;
    }

    private static async Task CopyRowsAsync(NpgsqlConnection connection, string path, PortableHeader header, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var done = 0;
            var again = await PortableArchive.ReadAsync(path, async (table, rows, ct) =>
            {
                var columns = header.Tables.FirstOrDefault(t => t.Table == table)?.Columns ?? throw new TradingBackupException($"{path} changed while it was restored");
                var sql = $"COPY {PgIdentifier.Pattern("trading", table)} ({string.Join(", ", columns.Select(c => PgIdentifier.Quote(c.Name)))}) FROM STDIN (FORMAT binary)";
                var copy = await connection.BeginRawBinaryCopyAsync(sql, ct).ConfigureAwait(false);
                try
                {
                    await rows.CopyToAsync(copy, 1 << 16, ct).ConfigureAwait(false);
                }
                catch
                {
                    await copy.CancelAsync().ConfigureAwait(false);
                    await copy.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                await copy.DisposeAsync().ConfigureAwait(false);
                progress?.Report(new BackupProgress(BackupStage.Restoring, ++done, header.Tables.Count, "trading." + table));
            }, cancellationToken).ConfigureAwait(false);
            if (PortableArchive.ToJson(again).ToJsonString() != PortableArchive.ToJson(header).ToJsonString())
            {
                throw new TradingBackupException($"{path} changed while it was restored");
            }

            foreach (var table in header.Tables)
            {
                await AdvanceSequencesAsync(connection, table.Table, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // On the community edition the continuous aggregates are rebuilt over every restored row; on the apache
        // edition they are views and answer from the rows at once.
        if (await ScalarAsync(connection, "SELECT to_regprocedure('trading.refresh_aggregates(timestamptz, timestamptz, text[])') IS NOT NULL", cancellationToken).ConfigureAwait(false) is true)
        {
            await ExecuteAsync(connection, "CALL trading.refresh_aggregates(NULL, NULL)", cancellationToken).ConfigureAwait(false);
        }

        var problems = new List<string>();
        foreach (var table in header.Tables)
        {
            var rows = await CountAsync(connection, new TableName("trading", table.Table), cancellationToken).ConfigureAwait(false);
            if (rows != table.Rows)
            {
                problems.Add($"{table.Name} has {rows} rows, and the backup {table.Rows}");
            }
        }

        if (problems.Count > 0)
        {
            throw new TradingBackupException($"the restored rows do not match the backup ({string.Join("; ", problems)})");
        }
    }

    // Every column of the backup exists in the installed table with the same type (so a value is never reinterpreted).
    private static async Task CheckColumnsAsync(NpgsqlConnection connection, PortableTable table, CancellationToken cancellationToken)
    {
        var installed = (await ColumnsAsync(connection, table.Table, cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        if (installed.Count == 0)
        {
            throw new TradingBackupException($"the installed schema has no table {table.Name}");
        }

        foreach (var column in table.Columns)
        {
            if (!installed.TryGetValue(column.Name, out var type))
            {
                throw new TradingBackupException($"the backup's column {table.Name}.{column.Name} ({column.Type}) is not a column of the installed schema");
            }

            if (!string.Equals(type, column.Type, StringComparison.Ordinal))
            {
                throw new TradingBackupException($"the backup's column {table.Name}.{column.Name} is {column.Type}, and the installed schema has {type}");
            }
        }
    }

    // Sets each sequence that fills a column of the table (serial or identity) past the largest restored value.
    private static async Task AdvanceSequencesAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.attname::text, s.sequence
            FROM pg_catalog.pg_attribute a
            CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_serial_sequence(@table, a.attname) AS sequence) s
            WHERE a.attrelid = pg_catalog.to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped AND s.sequence IS NOT NULL
            """;
        var sequences = new List<(string Column, string Sequence)>();
        using (var command = new NpgsqlCommand(sql, connection))
        {
            command.Parameters.AddWithValue("table", PgIdentifier.Pattern("trading", table));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    sequences.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }

        foreach (var (column, sequence) in sequences)
        {
            using var advance = new NpgsqlCommand(
                $"SELECT pg_catalog.setval(@sequence::regclass, m) FROM (SELECT max({PgIdentifier.Quote(column)}) AS m FROM {PgIdentifier.Pattern("trading", table)}) AS restored WHERE m IS NOT NULL",
                connection);
            advance.Parameters.AddWithValue("sequence", sequence);
            await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hands out one source stream as consecutive parts of at most a given length.</summary>
    private sealed class PartSource(Stream source)
    {
        private readonly byte[] _peeked = new byte[1];
        private bool _hasPeeked;

        public Stream Next(long limit) => new Part(this, limit);

        public async Task<bool> HasMoreAsync(CancellationToken cancellationToken)
        {
            if (!_hasPeeked)
            {
                _hasPeeked = await source.ReadAsync(_peeked, cancellationToken).ConfigureAwait(false) == 1;
            }

            return _hasPeeked;
        }

        private async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_hasPeeked)
            {
                _hasPeeked = false;
                buffer.Span[0] = _peeked[0];
                return 1;
            }

            return await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        private sealed class Part(PartSource owner, long limit) : ReadOnlyStream
        {
            private long _left = limit;

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                if (_left == 0 || buffer.IsEmpty)
                {
                    return 0;
                }

                var read = await owner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
                _left -= read;
                return read;
            }
        }
    }
}
