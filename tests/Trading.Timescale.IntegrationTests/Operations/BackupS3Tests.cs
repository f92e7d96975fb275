using System.Text.Json.Nodes;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// Upload, list, prune and restore against a real S3-compatible server (s3rver on 127.0.0.1), through the library and
/// through the CLI with the spec's environment (S3_BUCKET, S3_PREFIX, BACKUP_DIR, RETENTION_DAYS and the AWS SDK's
/// AWS_ENDPOINT_URL_S3). The variables are set for the duration of this class only; the classes that read them share a collection, so never run at the same time.
/// </summary>
[Collection(BackupEnvironmentCollection.Name)]
public sealed class BackupS3Tests(TimescaleServerFixture server, S3ServerFixture s3) : BackupTest(server), IClassFixture<S3ServerFixture>
{
    private static readonly string[] Variables =
        ["AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "S3_BUCKET", "S3_PREFIX", "BACKUP_DIR", "RETENTION_DAYS"];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly string _prefix = "backups/" + Guid.NewGuid().ToString("N")[..8];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (s3.UnavailableReason is null)
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", s3.Endpoint);
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3ServerFixture.AccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3ServerFixture.AccessKey);
            Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
            Environment.SetEnvironmentVariable("S3_BUCKET", S3ServerFixture.Bucket);
            Environment.SetEnvironmentVariable("S3_PREFIX", _prefix);
            Environment.SetEnvironmentVariable("BACKUP_DIR", BackupDirectoryPath);
            Environment.SetEnvironmentVariable("RETENTION_DAYS", null);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task Upload_is_verified_listed_and_restored_from_an_s3_reference()
    {
        RequireS3();
        await LoadEveryTableAsync();
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        using var store = S3BackupStore.FromEnvironment(S3ServerFixture.Bucket, _prefix);
        var progress = new List<BackupProgress>();

        var uploaded = await store.UploadAsync(backup, new SynchronousProgress(progress), Ct);

        Assert.Equal($"s3://{S3ServerFixture.Bucket}/{_prefix}/{Path.GetFileName(backup.DumpPath)}", uploaded.Location.ToString());
        Assert.Contains(progress, p => p.Stage == BackupStage.Uploading && p.Completed == backup.Manifest.SizeBytes);
        var listed = Assert.Single(await store.ListAsync(Ct));
        Assert.Equal(uploaded.Location, listed.Location);
        Assert.Equal(backup.Manifest.SizeBytes, listed.SizeBytes);
        Assert.Equal(backup.Manifest.ToJson(), listed.Manifest!.ToJson());

        var target = NewDatabaseName("s3");
        var restore = await RunCliAsync("restore", "full", uploaded.Location.ToString(), "--target-database", target, "--create", "--json");

        Assert.True(restore.ExitCode == 0, restore.Error);
        var json = JsonNode.Parse(restore.Output)!;
        Assert.Equal(target, (string?)json["database"]);
        Assert.Equal(backup.Manifest.Sha256, (string?)json["manifest"]!["sha256"]);
        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
    }

    [Fact]
    public async Task Cli_backup_uploads_when_S3_BUCKET_is_set_then_lists_and_prunes_both_places()
    {
        RequireS3();
        var backup = await RunCliAsync("backup", "schema", "--json");
        Assert.True(backup.ExitCode == 0, backup.Error);
        var manifest = JsonNode.Parse(backup.Output)!;
        var path = (string)manifest["path"]!;
        Assert.StartsWith(BackupDirectoryPath, path, StringComparison.Ordinal);
        Assert.Equal("schema", (string?)manifest["kind"]);
        Assert.Equal($"s3://{S3ServerFixture.Bucket}/{_prefix}/{Path.GetFileName(path)}", (string?)manifest["s3"]);
        Assert.Equal(await BackupDirectory.Sha256Async(path, cancellationToken: Ct), (string?)manifest["sha256"]);
        Assert.Contains("0002_tables", backup.Output, StringComparison.Ordinal);

        var list = await RunCliAsync("backups", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Error);
        var listed = JsonNode.Parse(list.Output)!["backups"]!.AsArray();
        Assert.Equal(["local", "s3"], listed.Select(b => (string)b!["where"]!).Order());
        Assert.All(listed, b => Assert.Equal((string?)manifest["sha256"], (string?)b!["sha256"]));

        var keep = await RunCliAsync("backups", "prune", "--json");
        Assert.True(keep.ExitCode == 0, keep.Error);
        Assert.Empty(JsonNode.Parse(keep.Output)!["deleted"]!.AsArray());

        Environment.SetEnvironmentVariable("RETENTION_DAYS", "0");
        var prune = await RunCliAsync("backups", "prune", "--json");
        Assert.True(prune.ExitCode == 0, prune.Error);
        Assert.Equal(2, JsonNode.Parse(prune.Output)!["deleted"]!.AsArray().Count);
        Assert.False(File.Exists(path));
        using var store = S3BackupStore.FromEnvironment(S3ServerFixture.Bucket, _prefix);
        Assert.Empty(await store.ListAsync(Ct));
    }

    [Fact]
    public async Task A_failed_upload_is_reported_and_the_local_backup_kept()
    {
        RequireS3();
        Environment.SetEnvironmentVariable("S3_BUCKET", "no-such-bucket");

        var backup = await RunCliAsync("backup", "full", "--json");

        Assert.Equal(1, backup.ExitCode);
        var manifest = JsonNode.Parse(backup.Output)!;
        Assert.Null((string?)manifest["s3"]);
        Assert.Contains("local backup is kept", (string?)manifest["uploadError"], StringComparison.Ordinal);
        Assert.Contains("no-such-bucket", backup.Error, StringComparison.Ordinal);
        var local = Assert.Single(BackupDirectory.List(BackupDirectoryPath));
        Assert.Equal((string?)manifest["path"], local.DumpPath);
        await BackupDirectory.VerifyAsync(local.DumpPath, cancellationToken: Ct);
    }

    private void RequireS3() => Assert.SkipWhen(s3.UnavailableReason is not null, s3.UnavailableReason ?? string.Empty);

    private Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--connection", Database.ConnectionString]);

    private sealed class SynchronousProgress(List<BackupProgress> reports) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
