using Npgsql;
using NodaTime;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

// What every kind of backup and restore does alike: completing a written backup, and the database a restore goes into.
public sealed partial class TradingBackups
{
    /// <summary>
    /// Writes the manifest of a verified <c>.partial</c> dump (its size and SHA-256, signed when a key is set) and gives
    /// both their final names, the manifest last.
    /// </summary>
    private async Task<BackupFile> CompleteAsync(
        BackupKind kind, string dumpPath, Instant createdAt, TimescaleServerInfo server, string writer, IReadOnlyList<BackupTable> tables,
        IReadOnlyList<BackupJournalEntry> journal, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var partialDump = dumpPath + ".partial";
        var manifest = new BackupManifest
        {
            Kind = kind,
            Database = _connection.Database,
            FileName = Path.GetFileName(dumpPath),
            SizeBytes = FileSize(partialDump),
            Sha256 = await BackupDirectory.Sha256Async(partialDump, progress, BackupStage.Verifying, cancellationToken).ConfigureAwait(false),
            CreatedAt = createdAt,
            PostgresVersion = server.ServerVersion,
            PgDumpVersion = writer,
            TimescaleVersion = server.ExtensionInstalled ? server.TimescaleVersion : null,
            Edition = server.ExtensionInstalled ? server.Edition : TimescaleEdition.None,
            Tables = tables,
            Journal = journal,
        };
        if (SigningKey is not null)
        {
            manifest = SigningKey.SignManifest(manifest);
        }

        var manifestPath = BackupManifest.PathFor(dumpPath);
        await PrivateFiles.WriteAllTextAsync(manifestPath + ".partial", manifest.ToJson(), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        File.Move(partialDump, dumpPath);
        File.Move(manifestPath + ".partial", manifestPath);
        return new BackupFile(dumpPath, manifestPath, manifest);
    }

    private string TargetName(RestoreRequest request)
    {
        var target = string.IsNullOrWhiteSpace(request.TargetDatabase) ? _connection.Database : request.TargetDatabase;
        if (string.Equals(target, MaintenanceDatabase, StringComparison.Ordinal))
        {
            throw new TradingBackupException(
                $"database {target} is the maintenance database that restores run CREATE DATABASE from; restore into another database, or set MaintenanceDatabase.");
        }

        return target;
    }

    /// <summary>
    /// Whether the target exists, how many trading tables it holds and its TimescaleDB (when it exists); refuses a
    /// target that holds the trading schema unless replacing was asked for, and a missing one unless creating was.
    /// </summary>
    private async Task<(bool Exists, long TradingTables, TimescaleServerInfo? Info)> InspectTargetAsync(
        NpgsqlConnection maintenance, string target, RestoreRequest request, CancellationToken cancellationToken)
    {
        var exists = await DatabaseExistsAsync(maintenance, target, cancellationToken).ConfigureAwait(false);
        var tradingTables = 0L;
        TimescaleServerInfo? info = null;
        if (exists)
        {
            var existing = new NpgsqlConnection(_connection.ForDatabase(target).ConnectionString);
            await using (existing.ConfigureAwait(false))
            {
                await existing.OpenAsync(cancellationToken).ConfigureAwait(false);
                info = await TimescaleServerInfo.DetectAsync(existing, cancellationToken).ConfigureAwait(false);
                tradingTables = (long)(await ScalarAsync(existing, TradingTableCountSql, cancellationToken).ConfigureAwait(false))!;
            }
        }

        if (tradingTables > 0 && !request.ReplaceExisting)
        {
            throw new TradingBackupException(
                $"database {target} already holds the trading schema ({tradingTables} tables); nothing was restored. Restore into a new database " +
                "(--target-database NAME --create), or ask for it explicitly to be replaced (--replace).");
        }

        if (!exists && !request.CreateDatabase)
        {
            throw new TradingBackupException($"database {target} does not exist; nothing was restored. Ask for it to be created (--create).");
        }

        return (exists, tradingTables, info);
    }
}
