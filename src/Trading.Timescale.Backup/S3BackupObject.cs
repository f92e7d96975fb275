using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>A backup stored in S3: the dump object and, when it could be read, the manifest stored beside it.</summary>
/// <param name="Location">The dump object's bucket and key.</param>
/// <param name="SizeBytes">The dump object's size.</param>
/// <param name="LastModified">When the object was written.</param>
/// <param name="Manifest">The manifest, or <see langword="null"/> when the manifest object is missing or unreadable.</param>
public sealed record S3BackupObject(S3BackupLocation Location, long SizeBytes, Instant LastModified, BackupManifest? Manifest)
{
    /// <summary>When the backup was taken: the manifest's creation time, else the object's last modification.</summary>
    public Instant CreatedAt => Manifest?.CreatedAt ?? LastModified;
}
