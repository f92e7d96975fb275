namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>Test classes that set or read the backup environment variables (BACKUP_DIR, S3_BUCKET, ...) run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BackupEnvironmentCollection
{
    public const string Name = "Backup environment variables";
}
