using System.Globalization;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli;

/// <summary>The backup environment: BACKUP_DIR, RETENTION_DAYS, S3_BUCKET and S3_PREFIX.</summary>
internal static class BackupSettings
{
    public const int DefaultRetentionDays = 30;

    public static string Directory(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable("BACKUP_DIR") is { Length: > 0 } directory ? directory
        : throw new CliException("no backup directory: pass --output DIR (--directory DIR for backups) or set BACKUP_DIR.");

    public static string? DirectoryOrNull(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable("BACKUP_DIR") is { Length: > 0 } directory ? directory : null;

    public static int RetentionDays(int? option)
    {
        if (option is { } days)
        {
            return days >= 0 ? days : throw new CliException($"--retention-days {days} is negative; pass 0 or more days.");
        }

        var text = Environment.GetEnvironmentVariable("RETENTION_DAYS");
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultRetentionDays;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new CliException($"RETENTION_DAYS \"{text}\" is not a whole number of days, e.g. RETENTION_DAYS=30.");
    }

    /// <summary>The S3 store from S3_BUCKET and S3_PREFIX, or <see langword="null"/> when S3_BUCKET is not set.</summary>
    public static S3BackupStore? Store() =>
        Environment.GetEnvironmentVariable("S3_BUCKET") is { Length: > 0 } bucket
            ? S3BackupStore.FromEnvironment(bucket, Environment.GetEnvironmentVariable("S3_PREFIX"))
            : null;
}
