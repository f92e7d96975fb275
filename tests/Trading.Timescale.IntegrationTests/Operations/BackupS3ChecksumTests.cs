using Amazon.Runtime;
using Amazon.S3;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// Uploads and downloads through a proxy in front of the local S3 server that answers as an SSE-KMS bucket does: every
/// ETag is no MD5 of the object, and no SHA-256 checksum is reported. What is verified then is the library's own
/// SHA-256 of the bytes.
/// </summary>
public sealed class BackupS3ChecksumTests(TimescaleServerFixture server, S3ServerFixture s3) : BackupTest(server), IClassFixture<S3ServerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Uploads_and_downloads_verify_when_no_ETag_is_an_MD5_and_no_checksum_is_reported(bool multipart)
    {
        RequireS3();
        await LoadEveryTableAsync();
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        await using var proxy = S3RewritingProxy.Start(s3.Endpoint);
        var prefix = "kms/" + Guid.NewGuid().ToString("N")[..8];
        using var store = new S3BackupStore(Client(proxy.Endpoint), S3ServerFixture.Bucket, prefix);
        if (multipart)
        {
            store.PartSizeBytes = 64 * 1024;
            Assert.True(backup.Manifest.SizeBytes > 2 * store.PartSizeBytes, $"the dump ({backup.Manifest.SizeBytes} bytes) is too small for three parts");
        }

        var uploaded = await store.UploadAsync(backup, cancellationToken: Ct);
        Assert.True(proxy.ETagsReplaced > 0, "the proxy replaced no ETag");

        var directory = Path.Combine(BackupDirectoryPath, "download");
        var downloaded = await store.DownloadAsync(uploaded.Location.Key, directory, cancellationToken: Ct);
        Assert.Equal(await File.ReadAllBytesAsync(backup.DumpPath, Ct), await File.ReadAllBytesAsync(downloaded.DumpPath, Ct));
        Assert.Equal(backup.Manifest.ToJson(), downloaded.Manifest.ToJson());
    }

    [Fact]
    public async Task A_download_with_one_flipped_byte_is_refused_and_leaves_no_file()
    {
        RequireS3();
        await LoadEveryTableAsync();
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var prefix = "kms/" + Guid.NewGuid().ToString("N")[..8];
        await using (var clean = S3RewritingProxy.Start(s3.Endpoint))
        {
            using var uploader = new S3BackupStore(Client(clean.Endpoint), S3ServerFixture.Bucket, prefix);
            await uploader.UploadAsync(backup, cancellationToken: Ct);
        }

        await using var proxy = S3RewritingProxy.Start(s3.Endpoint, flipObjectsEndingWith: BackupManifest.DumpExtension);
        using var store = new S3BackupStore(Client(proxy.Endpoint), S3ServerFixture.Bucket, prefix);
        var directory = Path.Combine(BackupDirectoryPath, "download");

        var error = await Assert.ThrowsAsync<TradingBackupException>(() =>
            store.DownloadAsync(prefix + "/" + Path.GetFileName(backup.DumpPath), directory, cancellationToken: Ct));

        Assert.Equal(1, proxy.BodiesFlipped);
        Assert.Contains($"and its manifest says {backup.Manifest.Sha256}: it is corrupt or was changed; it was not used", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory) : []);
    }

    private static AmazonS3Client Client(string endpoint) => new(
        new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.AccessKey),
        new AmazonS3Config
        {
            ServiceURL = endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    private void RequireS3() => Assert.SkipWhen(s3.UnavailableReason is not null, s3.UnavailableReason ?? string.Empty);
}
