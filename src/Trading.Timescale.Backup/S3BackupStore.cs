using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>
/// Backups in an S3 bucket below a prefix: <c>PREFIX/NAME.dump</c> with <c>PREFIX/NAME.manifest.json</c> beside it.
/// Uploads are verified (size, MD5 against the ETag, and the SHA-256 kept as object metadata) before the manifest is
/// written, so an object without a manifest never counts as a backup; downloads are verified against the manifest.
/// </summary>
public sealed class S3BackupStore : IDisposable
{
    private const string Sha256Metadata = "x-amz-meta-sha256";
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;

    /// <summary>Creates the store over an S3 client, which stays the caller's.</summary>
    /// <param name="client">The S3 client.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="prefix">The key prefix (a folder such as <c>backups/ai-ots</c>); none when <see langword="null"/> or empty.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="bucket"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="bucket"/> is empty.</exception>
    public S3BackupStore(IAmazonS3 client, string bucket, string? prefix = null)
        : this(client, bucket, prefix, ownsClient: false)
    {
    }

    private S3BackupStore(IAmazonS3 client, string bucket, string? prefix, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        _client = client;
        _ownsClient = ownsClient;
        Bucket = bucket;
        Prefix = string.IsNullOrWhiteSpace(prefix) ? string.Empty : prefix.Trim('/') + "/";
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix, empty or ending with <c>/</c>.</summary>
    public string Prefix { get; }

    /// <summary>
    /// Creates a store with an S3 client from the AWS SDK's standard settings: credentials and region from the default
    /// chain (environment, profile, instance role). When <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c> names an
    /// endpoint, it is used with path-style addressing, as S3-compatible stores (MinIO, s3rver, Ceph) need.
    /// </summary>
    /// <param name="bucket">The bucket, for example from S3_BUCKET.</param>
    /// <param name="prefix">The key prefix, for example from S3_PREFIX.</param>
    /// <param name="getVariable">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when <see langword="null"/>.</param>
    /// <returns>A store that owns its client.</returns>
    /// <exception cref="ArgumentException"><paramref name="bucket"/> is empty.</exception>
    public static S3BackupStore FromEnvironment(string bucket, string? prefix = null, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var config = new AmazonS3Config();
        var endpoint = getVariable("AWS_ENDPOINT_URL_S3") is { Length: > 0 } s3 ? s3 : getVariable("AWS_ENDPOINT_URL");
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = getVariable("AWS_REGION") is { Length: > 0 } region ? region : getVariable("AWS_DEFAULT_REGION") is { Length: > 0 } fallback ? fallback : "us-east-1";
            // S3-compatible stores often do not implement the newer streaming checksums.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return new S3BackupStore(new AmazonS3Client(config), bucket, prefix, ownsClient: true);
    }

    /// <summary>
    /// Uploads a verified local backup: the dump first, checked by size, MD5 (the ETag) and SHA-256 metadata, then its
    /// manifest. A failed or unverified upload is reported, its object deleted, and the local files are kept.
    /// </summary>
    /// <param name="backup">The local backup (from a backup or <see cref="BackupDirectory.VerifyAsync"/>).</param>
    /// <param name="progress">Receives the bytes sent; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The uploaded backup.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="backup"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The upload failed or did not verify; the message names the object and the local file.</exception>
    public async Task<S3BackupObject> UploadAsync(BackupFile backup, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backup);
        var location = await PutVerifiedAsync(
            backup.DumpPath, Path.GetFileName(backup.DumpPath), backup.Manifest.Sha256, "application/octet-stream", "the local backup is kept", progress, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket,
                Key = BackupManifest.PathFor(location.Key),
                ContentBody = backup.Manifest.ToJson(),
                ContentType = "application/json",
                UseChunkEncoding = false,
            }, cancellationToken).ConfigureAwait(false);
            return new S3BackupObject(location, backup.Manifest.SizeBytes, SystemClock.Instance.GetCurrentInstant(), backup.Manifest);
        }
        catch (AmazonServiceException ex)
        {
            throw new TradingBackupException($"the upload of {backup.DumpPath} to {location} failed: {ex.Message}; the local backup is kept.", ex);
        }
        catch (AmazonClientException ex)
        {
            throw new TradingBackupException($"the upload of {backup.DumpPath} to {location} failed: {ex.Message}; the local backup is kept.", ex);
        }
    }

    /// <summary>
    /// Uploads any local file below the prefix, verified like a backup (size, MD5 against the ETag, SHA-256 as object
    /// metadata); an unverified object is deleted.
    /// </summary>
    /// <param name="path">The local file.</param>
    /// <param name="relativeKey">The key below the prefix, such as <c>date=2026-11-30/part-0.parquet</c>.</param>
    /// <param name="contentType">The object's content type.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The object's location.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/>, <paramref name="relativeKey"/> or <paramref name="contentType"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The upload failed or did not verify; the message names the object and the local file.</exception>
    public async Task<S3BackupLocation> UploadFileAsync(string path, string relativeKey, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(relativeKey);
        ArgumentNullException.ThrowIfNull(contentType);
        string sha256;
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            sha256 = Convert.ToHexString(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false)).ToLowerInvariant();
        }

        return await PutVerifiedAsync(path, relativeKey, sha256, contentType, "the local file is kept", null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<S3BackupLocation> PutVerifiedAsync(
        string path, string relativeKey, string sha256, string contentType, string kept, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var location = new S3BackupLocation(Bucket, Prefix + relativeKey);
        var md5 = await Md5Async(path, cancellationToken).ConfigureAwait(false);
        var size = new FileInfo(path).Length;
        try
        {
            var put = new PutObjectRequest
            {
                BucketName = Bucket,
                Key = location.Key,
                FilePath = path,
                ContentType = contentType,
                MD5Digest = Convert.ToBase64String(md5),
                UseChunkEncoding = false,
            };
            put.Metadata.Add(Sha256Metadata, sha256);
            put.StreamTransferProgress += (_, e) => progress?.Report(new BackupProgress(BackupStage.Uploading, e.TransferredBytes, e.TotalBytes, location.ToString()));
            await _client.PutObjectAsync(put, cancellationToken).ConfigureAwait(false);

            var head = await _client.GetObjectMetadataAsync(Bucket, location.Key, cancellationToken).ConfigureAwait(false);
            var etag = head.ETag?.Trim('"') ?? string.Empty;
            var problems = new List<string>();
            if (head.ContentLength != size)
            {
                problems.Add($"size {head.ContentLength} instead of {size}");
            }

            if (!string.Equals(etag, Convert.ToHexString(md5), StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"MD5 (ETag) {etag} instead of {Convert.ToHexString(md5).ToLowerInvariant()}");
            }

            if (!string.Equals(head.Metadata[Sha256Metadata], sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"SHA-256 metadata {head.Metadata[Sha256Metadata] ?? "missing"} instead of {sha256}");
            }

            if (problems.Count > 0)
            {
                await DeleteQuietlyAsync(location.Key).ConfigureAwait(false);
                throw new TradingBackupException(
                    $"the upload of {path} to {location} did not verify ({string.Join("; ", problems)}); the object was deleted and {kept}.");
            }

            return location;
        }
        catch (AmazonServiceException ex)
        {
            throw new TradingBackupException($"the upload of {path} to {location} failed: {ex.Message}; {kept}.", ex);
        }
        catch (AmazonClientException ex)
        {
            throw new TradingBackupException($"the upload of {path} to {location} failed: {ex.Message}; {kept}.", ex);
        }
    }

    /// <summary>Lists the backups below the prefix (dump objects, with their manifests where readable), oldest first.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The backups.</returns>
    /// <exception cref="TradingBackupException">The bucket cannot be listed.</exception>
    public async Task<IReadOnlyList<S3BackupObject>> ListAsync(CancellationToken cancellationToken = default)
    {
        var backups = new List<S3BackupObject>();
        try
        {
            var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix };
            ListObjectsV2Response response;
            do
            {
                response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                foreach (var item in response.S3Objects ?? [])
                {
                    if (!item.Key.EndsWith(BackupManifest.DumpExtension, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var manifest = await ReadManifestAsync(item.Key, cancellationToken).ConfigureAwait(false);
                    var modified = item.LastModified is { } time ? Instant.FromDateTimeUtc(time.ToUniversalTime()) : Instant.MinValue;
                    backups.Add(new S3BackupObject(new S3BackupLocation(Bucket, item.Key), item.Size ?? 0, modified, manifest));
                }

                request.ContinuationToken = response.NextContinuationToken;
            }
            while (response.IsTruncated == true);
        }
        catch (AmazonServiceException ex)
        {
            throw new TradingBackupException($"the backups in s3://{Bucket}/{Prefix} could not be listed: {ex.Message}", ex);
        }

        return [.. backups.OrderBy(b => b.CreatedAt).ThenBy(b => b.Location.Key, StringComparer.Ordinal)];
    }

    /// <summary>Deletes the backups (dump and manifest objects) taken more than <paramref name="maxAge"/> before <paramref name="now"/>.</summary>
    /// <param name="maxAge">How long a backup is kept, for example RETENTION_DAYS days.</param>
    /// <param name="now">The current time; the system clock when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the pruning.</param>
    /// <returns>The deleted backups.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is negative.</exception>
    /// <exception cref="TradingBackupException">The bucket cannot be listed or an object cannot be deleted.</exception>
    public async Task<IReadOnlyList<S3BackupObject>> PruneAsync(TimeSpan maxAge, Instant? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        var cutoff = (now ?? SystemClock.Instance.GetCurrentInstant()) - Duration.FromTimeSpan(maxAge);
        var deleted = new List<S3BackupObject>();
        foreach (var backup in (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(b => b.CreatedAt < cutoff))
        {
            try
            {
                await _client.DeleteObjectAsync(Bucket, BackupManifest.PathFor(backup.Location.Key), cancellationToken).ConfigureAwait(false);
                await _client.DeleteObjectAsync(Bucket, backup.Location.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonServiceException ex)
            {
                throw new TradingBackupException($"{backup.Location} could not be deleted: {ex.Message}", ex);
            }

            deleted.Add(backup);
        }

        return deleted;
    }

    /// <summary>Downloads a backup and its manifest into a directory and verifies the dump against the manifest.</summary>
    /// <param name="key">The dump object's key (with the prefix), as listed.</param>
    /// <param name="directory">The local directory; created when missing.</param>
    /// <param name="progress">Receives the bytes received; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The verified local backup.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The objects are missing, the download failed, or the dump does not match its manifest.</exception>
    public async Task<BackupFile> DownloadAsync(string key, string directory, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(directory);
        var location = new S3BackupLocation(Bucket, key);
        Directory.CreateDirectory(directory);
        var dumpPath = Path.Combine(Path.GetFullPath(directory), Path.GetFileName(key));
        var manifestPath = BackupManifest.PathFor(dumpPath);
        var manifest = await ReadManifestAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new TradingBackupException($"{location} has no readable manifest ({BackupManifest.PathFor(key)}): it is not a completed trading-timescale backup.");
        try
        {
            using var response = await _client.GetObjectAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
            var total = response.ContentLength;
            var partial = dumpPath + ".partial";
            var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (target.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 20];
                long done = 0;
                int read;
                while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    done += read;
                    progress?.Report(new BackupProgress(BackupStage.Downloading, done, total, location.ToString()));
                }
            }

            await File.WriteAllTextAsync(manifestPath, manifest.ToJson(), cancellationToken).ConfigureAwait(false);
            File.Move(partial, dumpPath, overwrite: true);
        }
        catch (AmazonServiceException ex)
        {
            throw new TradingBackupException($"{location} could not be downloaded: {ex.Message}", ex);
        }

        return await BackupDirectory.VerifyAsync(dumpPath, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the client when this store created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async Task<BackupManifest?> ReadManifestAsync(string dumpKey, CancellationToken cancellationToken)
    {
        var key = BackupManifest.PathFor(dumpKey);
        try
        {
            using var response = await _client.GetObjectAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream);
            return BackupManifest.Parse(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false), $"s3://{Bucket}/{key}");
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (TradingBackupException)
        {
            return null;
        }
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await _client.DeleteObjectAsync(Bucket, key).ConfigureAwait(false);
        }
        catch (AmazonServiceException)
        {
            // The report says what happened; an orphan dump without a manifest is never listed as a backup.
        }
    }

    private static async Task<byte[]> Md5Async(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
#pragma warning disable CA5351 // S3's ETag and Content-MD5 are MD5; SHA-256 is checked as well.
            return await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
#pragma warning restore CA5351
        }
    }
}
