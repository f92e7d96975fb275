using System.Security.Cryptography;
using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>The backups in a local directory: read, verify, list and prune (by each manifest's creation time).</summary>
public static class BackupDirectory
{
    /// <summary>Reads the manifest beside a dump.</summary>
    /// <param name="dumpPath">The dump's path.</param>
    /// <returns>The dump, its manifest path and the manifest.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dumpPath"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The dump or its manifest is missing, or the manifest cannot be read.</exception>
    public static BackupFile Read(string dumpPath)
    {
        ArgumentNullException.ThrowIfNull(dumpPath);
        var path = Path.GetFullPath(dumpPath);
        if (!File.Exists(path))
        {
            throw new TradingBackupException($"the backup file {path} does not exist.");
        }

        var manifestPath = BackupManifest.PathFor(path);
        if (!File.Exists(manifestPath))
        {
            throw new TradingBackupException(
                $"{path} has no manifest beside it ({Path.GetFileName(manifestPath)}): it was not written by a completed trading-timescale backup.");
        }

        return new BackupFile(path, manifestPath, BackupManifest.Parse(File.ReadAllText(manifestPath), manifestPath));
    }

    /// <summary>
    /// Reads the manifest beside a dump and checks it: with a signing key, the manifest's signature first (an unsigned or
    /// mismatched backup is refused before its dump is read), then the dump's size and SHA-256 against the manifest.
    /// </summary>
    /// <param name="dumpPath">The dump's path.</param>
    /// <param name="signingKey">The key backups must be signed with; <see langword="null"/> checks only size and SHA-256.</param>
    /// <param name="progress">Receives the bytes hashed; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The verified backup.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dumpPath"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The dump or manifest is missing or unreadable, the signature is missing or wrong, or the size or checksum differs.</exception>
    public static async Task<BackupFile> VerifyAsync(
        string dumpPath, BackupSigningKey? signingKey = null, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var backup = Read(dumpPath);
        signingKey?.Verify(backup.Manifest, backup.ManifestPath);
        if (!string.Equals(backup.Manifest.FileName, Path.GetFileName(backup.DumpPath), StringComparison.Ordinal))
        {
            throw new TradingBackupException(
                $"{backup.ManifestPath} describes the dump {backup.Manifest.FileName}, not {Path.GetFileName(backup.DumpPath)}; it was not used.");
        }

        var size = new FileInfo(backup.DumpPath).Length;
        if (size != backup.Manifest.SizeBytes)
        {
            throw new TradingBackupException(
                $"{backup.DumpPath} has {size} bytes, and its manifest says {backup.Manifest.SizeBytes}: the file is truncated or was changed; it was not used.");
        }

        var sha256 = await Sha256Async(backup.DumpPath, progress, BackupStage.Verifying, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sha256, backup.Manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new TradingBackupException(
                $"{backup.DumpPath} has SHA-256 {sha256}, and its manifest says {backup.Manifest.Sha256}: the file is corrupt or was changed; it was not used.");
        }

        return backup;
    }

    /// <summary>Lists the completed backups in a directory (dumps with a readable manifest), oldest first.</summary>
    /// <param name="directory">The backup directory; a missing directory has no backups.</param>
    /// <returns>The backups.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<BackupFile> List(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var backups = new List<BackupFile>();
        foreach (var manifestPath in Directory.EnumerateFiles(directory, "*" + BackupManifest.ManifestExtension))
        {
            var dumpPath = manifestPath[..^BackupManifest.ManifestExtension.Length] + BackupManifest.DumpExtension;
            if (!File.Exists(dumpPath))
            {
                continue;
            }

            try
            {
                backups.Add(new BackupFile(Path.GetFullPath(dumpPath), Path.GetFullPath(manifestPath), BackupManifest.Parse(File.ReadAllText(manifestPath), manifestPath)));
            }
            catch (TradingBackupException)
            {
                // Not one of ours; listed by nobody, pruned by nobody.
            }
        }

        return [.. backups.OrderBy(b => b.Manifest.CreatedAt).ThenBy(b => b.DumpPath, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes the backups (dump and manifest) created more than <paramref name="maxAge"/> before <paramref name="now"/>,
    /// except the newest full backup that verifies (signature when a key is given, size and SHA-256): that one is kept
    /// even when every backup is older than the retention.
    /// </summary>
    /// <param name="directory">The backup directory.</param>
    /// <param name="maxAge">How long a backup is kept, for example RETENTION_DAYS days; more than zero.</param>
    /// <param name="signingKey">The key backups must be signed with to count as verified; none when <see langword="null"/>.</param>
    /// <param name="now">The current time; the system clock when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the pruning between backups.</param>
    /// <returns>The deleted backups.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is zero or negative.</exception>
    public static async Task<IReadOnlyList<BackupFile>> PruneAsync(
        string directory, TimeSpan maxAge, BackupSigningKey? signingKey = null, Instant? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (maxAge <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, "A retention of zero or less would delete every backup; keep backups for at least one day.");
        }

        var cutoff = (now ?? SystemClock.Instance.GetCurrentInstant()) - Duration.FromTimeSpan(maxAge);
        var backups = List(directory);
        var kept = await NewestVerifiedFullAsync(backups, signingKey, cancellationToken).ConfigureAwait(false);
        var deleted = new List<BackupFile>();
        foreach (var backup in backups.Where(b => b.Manifest.CreatedAt < cutoff && !string.Equals(b.DumpPath, kept, StringComparison.Ordinal)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Delete(backup.DumpPath);
            File.Delete(backup.ManifestPath);
            deleted.Add(backup);
        }

        return deleted;
    }

    private static async Task<string?> NewestVerifiedFullAsync(IReadOnlyList<BackupFile> backups, BackupSigningKey? signingKey, CancellationToken cancellationToken)
    {
        foreach (var backup in backups.Where(b => b.Manifest.Kind == BackupKind.Full).Reverse())
        {
            try
            {
                return (await VerifyAsync(backup.DumpPath, signingKey, cancellationToken: cancellationToken).ConfigureAwait(false)).DumpPath;
            }
            catch (TradingBackupException)
            {
                // Not verified; an older full backup may be.
            }
        }

        return null;
    }

    /// <summary>The SHA-256 of a file as lower-case hex.</summary>
    /// <param name="path">The file.</param>
    /// <param name="progress">Receives the bytes hashed; none when <see langword="null"/>.</param>
    /// <param name="stage">The stage the progress reports name.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The checksum.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    public static async Task<string> Sha256Async(string path, IProgress<BackupProgress>? progress = null, BackupStage stage = BackupStage.Verifying, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            long done = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                done += read;
                progress?.Report(new BackupProgress(stage, done, stream.Length, Path.GetFileName(path)));
            }

            return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        }
    }
}
