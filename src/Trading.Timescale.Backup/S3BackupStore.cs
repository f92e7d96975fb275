using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using NodaTime;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.Operations;

/// <summary>
/// Backups in an S3 bucket below a prefix: <c>PREFIX/NAME.dump</c> with <c>PREFIX/NAME.manifest.json</c> beside it.
/// Uploads carry S3's own SHA-256 checksums (multipart above <see cref="PartSizeBytes"/>) and are verified before the
/// manifest is written, so an object without a manifest never counts as a backup; downloads are verified against the
/// manifest (and its signature, with <see cref="SigningKey"/>) before the dump gets its final name.
/// </summary>
public sealed class S3BackupStore : IDisposable
{
    private const string Sha256Metadata = "x-amz-meta-sha256";
    private const long MinimumPartSizeBytes = 64 * 1024;
    private const long MaximumParts = 10_000;
    private long _partSizeBytes = 64L * 1024 * 1024;
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
    /// Dumps larger than this are uploaded in parts of this size (multipart upload), so dumps over S3's 5 GB limit for
    /// one request work. 64 MiB unless changed; S3 takes parts of 5 MiB or more (the last part may be smaller). With
    /// more than 10,000 parts the part size grows to fit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64 KiB.</exception>
    public long PartSizeBytes
    {
        get => _partSizeBytes;
        set => _partSizeBytes = value >= MinimumPartSizeBytes
            ? value
            : throw new ArgumentOutOfRangeException(nameof(PartSizeBytes), value, $"The S3 part size must be at least {MinimumPartSizeBytes} bytes; S3 itself needs 5 MiB.");
    }

    /// <summary>
    /// The key that downloaded and pruned backups must be signed with (see <see cref="BackupSigningKey"/>): a download
    /// checks the manifest's signature before it fetches the dump; <see langword="null"/> checks only the SHA-256.
    /// </summary>
    public BackupSigningKey? SigningKey { get; set; }

    /// <summary>
    /// Uploads a verified local backup: the dump first, with S3's own SHA-256 checksum (<c>x-amz-checksum-sha256</c>,
    /// per part for a multipart upload) and Content-MD5 on every request, checked afterwards by size, by the checksum S3
    /// reports (from a store that reports none: the ETag when it is the MD5, else the SHA-256 of the object read back, as
    /// for SSE-KMS objects, whose ETag is no MD5) and by the SHA-256 kept as object metadata; then its manifest. A failed or unverified upload is reported, its object deleted, and the local files are kept.
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
        var location = await PutVerifiedAsync(backup.DumpPath, Path.GetFileName(backup.DumpPath), backup.Manifest.Sha256, backup.Manifest.SizeBytes,
            "application/octet-stream", "the local backup", progress, cancellationToken).ConfigureAwait(false);
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
    /// Uploads any local file below the prefix, verified like a backup's dump (multipart above
    /// <see cref="PartSizeBytes"/>, S3's SHA-256 checksum and Content-MD5 on every request, then size, checksum (or MD5
    /// ETag, or the object read back), and the SHA-256 kept as object metadata); an unverified object is deleted.
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

        return await PutVerifiedAsync(path, relativeKey, sha256, new FileInfo(path).Length, contentType, "the local file", null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<S3BackupLocation> PutVerifiedAsync(
        string path, string relativeKey, string sha256Hex, long expectedSize, string contentType, string local, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var location = new S3BackupLocation(Bucket, Prefix + relativeKey);
        var size = new FileInfo(path).Length;
        try
        {
            var expected = size > PartSizeBytes
                ? await UploadPartsAsync(path, sha256Hex, contentType, location, size, progress, cancellationToken).ConfigureAwait(false)
                : await UploadWholeAsync(path, sha256Hex, contentType, location, progress, cancellationToken).ConfigureAwait(false);

            var head = await _client.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = Bucket, Key = location.Key, ChecksumMode = ChecksumMode.ENABLED }, cancellationToken).ConfigureAwait(false);
            var problems = new List<string>();
            if (head.ContentLength != expectedSize)
            {
                problems.Add($"size {head.ContentLength} instead of {expectedSize}");
            }

            if (!string.IsNullOrEmpty(head.ChecksumSHA256))
            {
                if (!string.Equals(head.ChecksumSHA256, expected.ChecksumSha256, StringComparison.Ordinal))
                {
                    problems.Add($"SHA-256 checksum {head.ChecksumSHA256} instead of {expected.ChecksumSha256}");
                }
            }
            else if (!expected.ETags.Contains(head.ETag?.Trim('"') ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                && await ReadBackSha256Async(location.Key, cancellationToken).ConfigureAwait(false) is var readBack
                && !string.Equals(readBack, sha256Hex, StringComparison.OrdinalIgnoreCase))
            {
                // An SSE-KMS object's ETag is no MD5, and a store may report no checksum: the object read back decides.
                problems.Add($"no SHA-256 checksum, ETag {head.ETag?.Trim('"') ?? "missing"} instead of {string.Join(" or ", expected.ETags)}, and SHA-256 {readBack} read back instead of {sha256Hex}");
            }

            if (!string.Equals(head.Metadata[Sha256Metadata], sha256Hex, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"SHA-256 metadata {head.Metadata[Sha256Metadata] ?? "missing"} instead of {sha256Hex}");
            }

            if (problems.Count > 0)
            {
                await DeleteQuietlyAsync(location.Key).ConfigureAwait(false);
                throw new TradingBackupException(
                    $"the upload of {path} to {location} did not verify ({string.Join("; ", problems)}); the object was deleted and {local} kept.");
            }

            return location;
        }
        catch (AmazonServiceException ex)
        {
            throw new TradingBackupException($"the upload of {path} to {location} failed: {ex.Message}; {local} is kept.", ex);
        }
        catch (AmazonClientException ex)
        {
            throw new TradingBackupException($"the upload of {path} to {location} failed: {ex.Message}; {local} is kept.", ex);
        }
    }

    private async Task<string> ReadBackSha256Async(string key, CancellationToken cancellationToken)
    {
        using var response = await _client.GetObjectAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexString(await SHA256.HashDataAsync(response.ResponseStream, cancellationToken).ConfigureAwait(false)).ToLowerInvariant();
    }

    // What the store reports for the object: its SHA-256 checksum, else one of these ETags (an MD5 of the object, or
    // S3's MD5 of the parts' MD5s with the part count; S3-compatible stores differ).
    private sealed record ExpectedObject(IReadOnlyList<string> ETags, string ChecksumSha256);

    private async Task<ExpectedObject> UploadWholeAsync(string path, string sha256Hex, string contentType, S3BackupLocation location, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var (md5, sha256) = await HashRangeAsync(path, 0, new FileInfo(path).Length, cancellationToken).ConfigureAwait(false);
        var put = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = location.Key,
            FilePath = path,
            ContentType = contentType,
            MD5Digest = Convert.ToBase64String(md5),
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            ChecksumSHA256 = Convert.ToBase64String(sha256),
            UseChunkEncoding = false,
        };
        put.Metadata.Add(Sha256Metadata, sha256Hex);
        put.StreamTransferProgress += (_, e) => progress?.Report(new BackupProgress(BackupStage.Uploading, e.TransferredBytes, e.TotalBytes, location.ToString()));
        await _client.PutObjectAsync(put, cancellationToken).ConfigureAwait(false);
        return new ExpectedObject([Convert.ToHexString(md5).ToLowerInvariant()], Convert.ToBase64String(sha256));
    }

    private async Task<ExpectedObject> UploadPartsAsync(string path, string sha256Hex, string contentType, S3BackupLocation location, long size, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var partSize = Math.Max(PartSizeBytes, (size + MaximumParts - 1) / MaximumParts);
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = location.Key,
            ContentType = contentType,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        };
        initiate.Metadata.Add(Sha256Metadata, sha256Hex);
        var upload = await _client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            var md5s = new List<byte>();
#pragma warning disable CA5351 // Some S3-compatible stores give a multipart object the MD5 of its content as ETag.
            using var wholeMd5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
            var sha256s = new List<byte>();
            long sent = 0;
            for (var (number, position) = (1, 0L); position < size; number++, position += partSize)
            {
                var length = Math.Min(partSize, size - position);
                var (md5, sha256) = await HashRangeAsync(path, position, length, cancellationToken, wholeMd5).ConfigureAwait(false);
                var response = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = location.Key,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    FilePath = path,
                    FilePosition = position,
                    PartSize = length,
                    MD5Digest = Convert.ToBase64String(md5),
                    ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                    ChecksumSHA256 = Convert.ToBase64String(sha256),
                    UseChunkEncoding = false,
                    IsLastPart = position + length >= size,
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(number, response.ETag) { ChecksumSHA256 = Convert.ToBase64String(sha256) });
                md5s.AddRange(md5);
                sha256s.AddRange(sha256);
                sent += length;
                progress?.Report(new BackupProgress(BackupStage.Uploading, sent, size, location.ToString()));
            }

            var complete = new CompleteMultipartUploadRequest { BucketName = Bucket, Key = location.Key, UploadId = upload.UploadId };
            complete.AddPartETags(parts);
            await _client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
#pragma warning disable CA5351 // S3's multipart ETag is the MD5 of the parts' MD5s; the SHA-256 checksums are checked as well.
            var etag = Convert.ToHexString(MD5.HashData(md5s.ToArray())).ToLowerInvariant() + "-" + parts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
#pragma warning restore CA5351
            var composite = Convert.ToBase64String(SHA256.HashData(sha256s.ToArray())) + "-" + parts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ExpectedObject([etag, Convert.ToHexString(wholeMd5.GetHashAndReset()).ToLowerInvariant()], composite);
        }
        catch
        {
            try
            {
                await _client.AbortMultipartUploadAsync(Bucket, location.Key, upload.UploadId, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonServiceException)
            {
                // An unfinished upload holds no object; a bucket lifecycle rule removes its parts.
            }

            throw;
        }
    }

    /// <summary>Lists the backups directly below the prefix (dump objects, with their manifests where readable), oldest first.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The backups.</returns>
    /// <exception cref="TradingBackupException">The bucket cannot be listed.</exception>
    public async Task<IReadOnlyList<S3BackupObject>> ListAsync(CancellationToken cancellationToken = default)
    {
        var backups = new List<S3BackupObject>();
        try
        {
            var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix, Delimiter = "/" };
            ListObjectsV2Response response;
            do
            {
                response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                foreach (var item in response.S3Objects ?? [])
                {
                    if (!item.Key.EndsWith(BackupManifest.DumpExtension, StringComparison.Ordinal) || item.Key[Prefix.Length..].Contains('/', StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var manifest = (await ReadManifestAsync(item.Key, cancellationToken).ConfigureAwait(false))?.Manifest;
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

    /// <summary>
    /// Deletes the backups (dump and manifest objects) taken more than <paramref name="maxAge"/> before <paramref name="now"/>.
    /// Only backups directly below the prefix whose manifest is valid (it names that dump and its size, and carries a
    /// valid signature when <see cref="SigningKey"/> is set) are deleted; any other object under the prefix stays. The
    /// newest such full backup is always kept, also when every backup is older than the retention.
    /// </summary>
    /// <param name="maxAge">How long a backup is kept, for example RETENTION_DAYS days; more than zero.</param>
    /// <param name="now">The current time; the system clock when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the pruning.</param>
    /// <returns>The deleted backups.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is zero or negative.</exception>
    /// <exception cref="TradingBackupException">The store has no prefix, the bucket cannot be listed, or an object cannot be deleted.</exception>
    public async Task<IReadOnlyList<S3BackupObject>> PruneAsync(TimeSpan maxAge, Instant? now = null, CancellationToken cancellationToken = default)
    {
        if (maxAge <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, "A retention of zero or less would delete every backup; keep backups for at least one day.");
        }

        if (Prefix.Length == 0)
        {
            throw new TradingBackupException(
                $"prune needs a prefix in bucket {Bucket} (S3_PREFIX, for example backups/ai-ots): without one it would judge every object of the bucket; nothing was deleted.");
        }

        var cutoff = (now ?? SystemClock.Instance.GetCurrentInstant()) - Duration.FromTimeSpan(maxAge);
        var valid = (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(IsValidBackup).ToList();
        var kept = valid.LastOrDefault(b => b.Manifest!.Kind == BackupKind.Full);
        var deleted = new List<S3BackupObject>();
        foreach (var backup in valid.Where(b => b.Manifest!.CreatedAt < cutoff && !ReferenceEquals(b, kept)))
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

    private bool IsValidBackup(S3BackupObject backup)
    {
        if (backup.Manifest is not { } manifest
            || !string.Equals(manifest.FileName, backup.Location.Key[Prefix.Length..], StringComparison.Ordinal)
            || manifest.SizeBytes != backup.SizeBytes)
        {
            return false;
        }

        try
        {
            SigningKey?.Verify(manifest, backup.Location.ToString());
            return true;
        }
        catch (TradingBackupException)
        {
            return false;
        }
    }

    /// <summary>
    /// Downloads a backup into a directory and verifies it: the manifest's signature first when <see cref="SigningKey"/>
    /// is set (before the dump is fetched), then the dump's size and SHA-256 while it streams in. The dump is written
    /// 0600 under a <c>.partial</c> name in a directory created 0700, and gets its final name, with its manifest
    /// beside it, only after it verified.
    /// </summary>
    /// <param name="key">The dump object's key (with the prefix), as listed.</param>
    /// <param name="directory">The local directory, for example the backup directory; created 0700 when missing.</param>
    /// <param name="progress">Receives the bytes received; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The verified local backup.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The objects are missing, the manifest is not signed with the key, the download failed, or the dump does not match its manifest.</exception>
    public async Task<BackupFile> DownloadAsync(string key, string directory, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(directory);
        var location = new S3BackupLocation(Bucket, key);
        var (manifest, manifestText) = await ReadManifestAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new TradingBackupException($"{location} has no readable manifest ({BackupManifest.PathFor(key)}): it is not a completed trading-timescale backup.");
        SigningKey?.Verify(manifest, $"s3://{Bucket}/{BackupManifest.PathFor(key)}");
        var fileName = Path.GetFileName(key);
        if (!string.Equals(manifest.FileName, fileName, StringComparison.Ordinal))
        {
            throw new TradingBackupException($"s3://{Bucket}/{BackupManifest.PathFor(key)} describes the dump {manifest.FileName}, not {fileName}; nothing was downloaded.");
        }

        var local = PrivateFiles.CreateDirectory(directory);
        var dumpPath = Path.Combine(local, fileName);
        var manifestPath = BackupManifest.PathFor(dumpPath);
        var partial = dumpPath + ".partial";
        try
        {
            using var response = await _client.GetObjectAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long done = 0;
            var target = PrivateFiles.Create(partial, overwrite: true);
            await using (target.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    done += read;
                    if (done > manifest.SizeBytes)
                    {
                        throw new TradingBackupException($"{location} is longer than the {manifest.SizeBytes} bytes its manifest says; it was not used.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    progress?.Report(new BackupProgress(BackupStage.Downloading, done, manifest.SizeBytes, location.ToString()));
                }
            }

            var sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
            if (done != manifest.SizeBytes)
            {
                throw new TradingBackupException($"{location} has {done} bytes, and its manifest says {manifest.SizeBytes}: it is truncated or was changed; it was not used.");
            }

            if (!string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new TradingBackupException($"{location} has SHA-256 {sha256}, and its manifest says {manifest.Sha256}: it is corrupt or was changed; it was not used.");
            }

            var manifestStream = PrivateFiles.Create(manifestPath + ".partial", overwrite: true);
            await using (manifestStream.ConfigureAwait(false))
            {
                await manifestStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(manifestText), cancellationToken).ConfigureAwait(false);
            }

            File.Move(manifestPath + ".partial", manifestPath, overwrite: true);
            File.Move(partial, dumpPath, overwrite: true);
        }
        catch (Exception ex)
        {
            File.Delete(partial);
            File.Delete(manifestPath + ".partial");
            if (ex is AmazonServiceException service)
            {
                throw new TradingBackupException($"{location} could not be downloaded: {service.Message}", ex);
            }

            throw;
        }

        return new BackupFile(dumpPath, manifestPath, manifest);
    }

    /// <summary>Disposes the client when this store created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async Task<(BackupManifest Manifest, string Text)?> ReadManifestAsync(string dumpKey, CancellationToken cancellationToken)
    {
        var key = BackupManifest.PathFor(dumpKey);
        try
        {
            using var response = await _client.GetObjectAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream);
            var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            return (BackupManifest.Parse(text, $"s3://{Bucket}/{key}"), text);
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

    private static async Task<(byte[] Md5, byte[] Sha256)> HashRangeAsync(string path, long position, long length, CancellationToken cancellationToken, IncrementalHash? alsoInto = null)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            stream.Position = position;
#pragma warning disable CA5351 // S3's Content-MD5 and ETag are MD5; SHA-256 is checked as well.
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            var left = length;
            while (left > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new TradingBackupException($"{path} ended before byte {position + length}; it changed while it was uploaded.");
                }

                md5.AppendData(buffer, 0, read);
                sha256.AppendData(buffer, 0, read);
                alsoInto?.AppendData(buffer, 0, read);
                left -= read;
            }

            return (md5.GetHashAndReset(), sha256.GetHashAndReset());
        }
    }
}
