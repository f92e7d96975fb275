using Npgsql;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.Operations;

// Copies of a database on the same server, through a staged full backup.
public sealed partial class TradingBackups
{
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
}
