using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using ListObjectsV2Request = Amazon.S3.Model.ListObjectsV2Request;
using PutObjectRequest = Amazon.S3.Model.PutObjectRequest;
using NodaTime;
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
        ["AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "S3_BUCKET", "S3_PREFIX", "BACKUP_DIR", "RETENTION_DAYS", "BACKUP_SIGNING_KEY_FILE"];

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
    public async Task A_portable_backup_uploads_and_restores_from_its_s3_location()
    {
        RequireS3();
        await LoadEveryTableAsync();

        var backup = await RunCliAsync("backup", "portable", "--json");
        Assert.True(backup.ExitCode == 0, backup.Output + backup.Error);
        var location = (string)JsonNode.Parse(backup.Output)!["s3"]!;
        var target = NewDatabaseName("s3_portable");
        var restore = await RunCliAsync("restore", "portable", location, "--target-database", target, "--create", "--json");

        Assert.True(restore.ExitCode == 0, restore.Output + restore.Error);
        Assert.Equal("portable", (string?)JsonNode.Parse(restore.Output)!["manifest"]!["kind"]);
        var source = await FingerprintAsync(Database.ConnectionString);
        var restored = await FingerprintAsync(ConnectionStringFor(target));
        // The journal and the settings' update times are the restore's own; every other table's rows are equal.
        string[] installed = ["trading.schema_migrations", "trading.settings"];
        Assert.Equal(source.Where(t => !installed.Contains(t.Key)), restored.Where(t => !installed.Contains(t.Key)));
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

        // A retention of zero would delete every backup: refused from the variable and from the option.
        Environment.SetEnvironmentVariable("RETENTION_DAYS", "0");
        var zero = await RunCliAsync("backups", "prune", "--json");
        Assert.Equal(1, zero.ExitCode);
        Assert.Contains("RETENTION_DAYS=0 would delete every backup", zero.Error, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable("RETENTION_DAYS", null);
        var zeroOption = await RunCliAsync("backups", "prune", "--retention-days", "0");
        Assert.Equal(1, zeroOption.ExitCode);
        Assert.Contains("--retention-days 0 would delete every backup", zeroOption.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(path));

        using var store = S3BackupStore.FromEnvironment(S3ServerFixture.Bucket, _prefix);
        var pruned = await store.PruneAsync(TimeSpan.FromDays(1), SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(2), Ct);
        Assert.Equal($"s3://{S3ServerFixture.Bucket}/{_prefix}/{Path.GetFileName(path)}", Assert.Single(pruned).Location.ToString());
        Assert.Empty(await store.ListAsync(Ct));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_multipart_upload_carries_sha256_checksums_and_downloads_verified_into_private_files()
    {
        RequireS3();
        await LoadEveryTableAsync();
        var backup = await SignedBackups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        using var store = S3BackupStore.FromEnvironment(S3ServerFixture.Bucket, _prefix);
        store.PartSizeBytes = 64 * 1024;
        store.SigningKey = Key;
        var parts = (int)((backup.Manifest.SizeBytes + store.PartSizeBytes - 1) / store.PartSizeBytes);
        Assert.True(parts >= 2, $"the dump has {backup.Manifest.SizeBytes} bytes, one part of {store.PartSizeBytes}");
        var progress = new List<BackupProgress>();

        var uploaded = await store.UploadAsync(backup, new SynchronousProgress(progress), Ct);

        using var client = Client();
        var head = await client.GetObjectMetadataAsync(S3ServerFixture.Bucket, uploaded.Location.Key, Ct);
        Assert.Equal(backup.Manifest.SizeBytes, head.ContentLength);
        Assert.Equal(backup.Manifest.Sha256, head.Metadata["x-amz-meta-sha256"]);
        var sent = progress.Where(p => p.Stage == BackupStage.Uploading).Select(p => p.Completed).ToList();
        Assert.Equal(parts, sent.Count);
        Assert.Equal(Enumerable.Range(1, parts).Select(i => Math.Min(i * store.PartSizeBytes, backup.Manifest.SizeBytes)), sent);

        var downloads = Path.Combine(BackupDirectoryPath, "downloads");
        var local = await store.DownloadAsync(uploaded.Location.Key, downloads, cancellationToken: Ct);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(downloads));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(local.DumpPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(local.ManifestPath));
        Assert.Equal(backup.Manifest.ToJson(), local.Manifest.ToJson());
        var target = NewDatabaseName("multipart");
        await SignedBackups.RestoreAsync(new RestoreRequest(RestoreKind.Full, local.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
    }

    [Fact]
    public async Task A_tampered_manifest_in_the_bucket_is_refused_before_the_dump_is_downloaded()
    {
        RequireS3();
        var backup = await SignedBackups.BackupAsync(new BackupRequest(BackupKind.Schema, BackupDirectoryPath), cancellationToken: Ct);
        using var store = S3BackupStore.FromEnvironment(S3ServerFixture.Bucket, _prefix);
        store.SigningKey = Key;
        var uploaded = await store.UploadAsync(backup, cancellationToken: Ct);

        // Someone with write access to the bucket replaces the dump and puts its SHA-256 and size into the manifest.
        using var client = Client();
        var evil = new byte[1000];
        await client.PutObjectAsync(new PutObjectRequest { BucketName = S3ServerFixture.Bucket, Key = uploaded.Location.Key, InputStream = new MemoryStream(evil), UseChunkEncoding = false }, Ct);
        var manifest = JsonNode.Parse(backup.Manifest.ToJson())!.AsObject();
        manifest["sha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(evil)).ToLowerInvariant();
        manifest["sizeBytes"] = evil.Length;
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3ServerFixture.Bucket, Key = BackupManifest.PathFor(uploaded.Location.Key), ContentBody = manifest.ToJsonString(), UseChunkEncoding = false,
        }, Ct);
        var downloads = Path.Combine(BackupDirectoryPath, "downloads");

        var error = await Assert.ThrowsAsync<TradingBackupException>(() => store.DownloadAsync(uploaded.Location.Key, downloads, cancellationToken: Ct));
        Assert.Contains("signature that does not match", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(downloads));

        // The CLI with BACKUP_SIGNING_KEY_FILE refuses it the same way; without a key the hash alone accepts it.
        var keyFile = Path.Combine(BackupDirectoryPath, "signing.key");
        await File.WriteAllBytesAsync(keyFile, KeyBytes, Ct);
        Environment.SetEnvironmentVariable("BACKUP_SIGNING_KEY_FILE", keyFile);
        var restore = await RunCliAsync("restore", "schema", uploaded.Location.ToString(), "--target-database", NewDatabaseName("tampered"), "--create");
        Environment.SetEnvironmentVariable("BACKUP_SIGNING_KEY_FILE", null);
        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("signature that does not match", restore.Error, StringComparison.Ordinal);
        store.SigningKey = null;
        var unverified = await store.DownloadAsync(uploaded.Location.Key, downloads, cancellationToken: Ct);
        Assert.Equal(evil.Length, new FileInfo(unverified.DumpPath).Length);
    }

    [Fact]
    public async Task Prune_deletes_only_backups_with_a_valid_manifest_directly_under_the_prefix_and_keeps_the_newest_full_backup()
    {
        RequireS3();
        using var store = S3BackupStore.FromEnvironment(S3ServerFixture.Bucket, _prefix);
        var schema = await store.UploadAsync(await Backups.BackupAsync(new BackupRequest(BackupKind.Schema, BackupDirectoryPath), cancellationToken: Ct), cancellationToken: Ct);
        var olderFull = await store.UploadAsync(await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct), cancellationToken: Ct);
        var newestFull = await store.UploadAsync(await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct), cancellationToken: Ct);

        // Objects under the prefix that are not backups of this store: no manifest, a manifest that is not one, a manifest
        // for another file, and a backup one folder further down.
        using var client = Client();
        string[] foreign =
        [
            $"{_prefix}/orphan.dump",
            $"{_prefix}/notes.txt",
            $"{_prefix}/broken.dump", $"{_prefix}/broken.manifest.json",
            $"{_prefix}/renamed.dump", $"{_prefix}/renamed.manifest.json",
            $"{_prefix}/nested/{Path.GetFileName(schema.Location.Key)}", $"{_prefix}/nested/{Path.GetFileName(BackupManifest.PathFor(schema.Location.Key))}",
        ];
        var old = schema.Manifest!.ToJson();
        foreach (var key in foreign)
        {
            var body = key.EndsWith("broken.manifest.json", StringComparison.Ordinal) ? "{not json" : key.EndsWith(".manifest.json", StringComparison.Ordinal) ? old : "x";
            await client.PutObjectAsync(new PutObjectRequest { BucketName = S3ServerFixture.Bucket, Key = key, ContentBody = body, UseChunkEncoding = false }, Ct);
        }

        var deleted = await store.PruneAsync(TimeSpan.FromDays(1), SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(400), Ct);

        Assert.Equal([schema.Location, olderFull.Location], deleted.Select(d => d.Location));
        var left = new List<string>();
        var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3ServerFixture.Bucket, Prefix = _prefix + "/" }, Ct);
        left.AddRange(listing.S3Objects.Select(o => o.Key));
        Assert.Equal(
            foreign.Append(newestFull.Location.Key).Append(BackupManifest.PathFor(newestFull.Location.Key)).Order(StringComparer.Ordinal),
            left.Order(StringComparer.Ordinal));

        using var bucketWide = new S3BackupStore(client, S3ServerFixture.Bucket);
        var refused = await Assert.ThrowsAsync<TradingBackupException>(() => bucketWide.PruneAsync(TimeSpan.FromDays(30), cancellationToken: Ct));
        Assert.Contains("prune needs a prefix", refused.Message, StringComparison.Ordinal);
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

    private static readonly byte[] KeyBytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    private static readonly BackupSigningKey Key = new(KeyBytes);

    private TradingBackups SignedBackups => new(Database.ConnectionString) { SigningKey = Key };

    private AmazonS3Client Client() => new(
        new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.AccessKey),
        new AmazonS3Config
        {
            ServiceURL = s3.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

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
