using Trading.Timescale;
using Trading.Timescale.Operations;

namespace DocumentationExamples;

/// <summary>The samples of docs/operations.md.</summary>
internal static class OperationsPage
{
    public static async Task RunAsync(string connectionString, CancellationToken ct)
    {
        await using var trading = TradingDatabase.Create(connectionString);
        var stats = await trading.Operations.GetStatsAsync(cancellationToken: ct);
        var report = await trading.Operations.MaintainAsync(new MaintenanceOptions { DryRun = true }, ct);
        var quality = await trading.Operations.CheckQualityAsync(cancellationToken: ct);
        Console.WriteLine($"{stats.DatabaseBytes} {report} {quality}");
    }

    public static async Task SetupAsync(string adminConnectionString, string ownerPassword, CancellationToken ct)
    {
        // static: it connects as an administrator, before the database it creates exists
        DatabaseSetupResult setup = await TradingOperations.SetupDatabaseAsync(adminConnectionString,
            new DatabaseSetupRequest { Database = "trading_db", Owner = "trading_admin", OwnerPassword = ownerPassword }, ct);
        Console.WriteLine(setup);
    }

    public static async Task BackupAsync(string connectionString, IProgress<BackupProgress> progress, CancellationToken ct)
    {
        await using var trading = TradingDatabase.Create(connectionString);
        BackupFile backup = await trading.Backups.BackupAsync(new BackupRequest(BackupKind.Full, "/var/backups/ai-ots"), progress, ct);
        await trading.Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = "trading_test", CreateDatabase = true }, progress, ct);
        using var s3 = S3BackupStore.FromEnvironment("my-backup-bucket", "backups/ai-ots");   // Trading.Timescale.Backup
        await s3.UploadAsync(backup, progress, ct);
    }
}
