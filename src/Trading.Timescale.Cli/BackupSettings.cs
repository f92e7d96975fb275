using System.CommandLine;
using System.Globalization;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli;

/// <summary>The backup environment: BACKUP_DIR, RETENTION_DAYS, BACKUP_SIGNING_KEY_FILE, S3_BUCKET, S3_PREFIX and S3_PART_SIZE_MB.</summary>
internal static class BackupSettings
{
    public const int DefaultRetentionDays = 30;

    public static string Directory(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable("BACKUP_DIR") is { Length: > 0 } directory ? directory
        : throw new CliException("no backup directory: pass --output DIR (--directory DIR for backups) or set BACKUP_DIR.");

    public static string? DirectoryOrNull(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable("BACKUP_DIR") is { Length: > 0 } directory ? directory : null;

    /// <summary>The directory downloads and copies are staged in: the option, else BACKUP_DIR; never the shared temporary directory.</summary>
    public static string StagingDirectory(string? option, string purpose) =>
        DirectoryOrNull(option) ?? throw new CliException($"no directory to stage {purpose} in: pass --directory DIR or set BACKUP_DIR (the shared temporary directory is never used).");

    public static int RetentionDays(int? option)
    {
        if (option is { } days)
        {
            return days >= 1 ? days : throw new CliException($"--retention-days {days} would delete every backup; pass 1 or more days.");
        }

        var text = Environment.GetEnvironmentVariable("RETENTION_DAYS");
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultRetentionDays;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new CliException($"RETENTION_DAYS \"{text}\" is not a whole number of days, e.g. RETENTION_DAYS=30.");
        }

        return parsed >= 1 ? parsed : throw new CliException($"RETENTION_DAYS={parsed} would delete every backup; set 1 or more days, e.g. RETENTION_DAYS=30.");
    }

    /// <summary>The <c>--signing-key-file</c> option: the key file that signs and verifies backups; default BACKUP_SIGNING_KEY_FILE.</summary>
    public static Option<string?> SigningKeyOption() =>
        new("--signing-key-file") { Description = "The key that signs new backups' manifests (HMAC-SHA-256) and that restored backups must be signed with. Default: BACKUP_SIGNING_KEY_FILE." };

    /// <summary>The signing key from the option, else BACKUP_SIGNING_KEY_FILE, or <see langword="null"/> when neither is set.</summary>
    public static BackupSigningKey? SigningKey(string? option)
    {
        var path = !string.IsNullOrWhiteSpace(option) ? option
            : Environment.GetEnvironmentVariable("BACKUP_SIGNING_KEY_FILE") is { Length: > 0 } variable ? variable
            : null;
        return path is null ? null : BackupSigningKey.FromFile(path);
    }

    /// <summary>The S3 store from S3_BUCKET and S3_PREFIX, or <see langword="null"/> when S3_BUCKET is not set.</summary>
    public static S3BackupStore? Store(BackupSigningKey? signingKey) =>
        Environment.GetEnvironmentVariable("S3_BUCKET") is { Length: > 0 } bucket
            ? Configure(S3BackupStore.FromEnvironment(bucket, Environment.GetEnvironmentVariable("S3_PREFIX")), signingKey)
            : null;

    /// <summary>Applies the signing key and S3_PART_SIZE_MB to a store.</summary>
    public static S3BackupStore Configure(S3BackupStore store, BackupSigningKey? signingKey)
    {
        store.SigningKey = signingKey;
        if (Environment.GetEnvironmentVariable("S3_PART_SIZE_MB") is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var megabytes) || megabytes < 5)
            {
                store.Dispose();
                throw new CliException($"S3_PART_SIZE_MB \"{text}\" is not a whole number of 5 or more (S3 takes parts of 5 MiB or more), e.g. S3_PART_SIZE_MB=64.");
            }

            store.PartSizeBytes = megabytes * 1024L * 1024;
        }

        return store;
    }
}
