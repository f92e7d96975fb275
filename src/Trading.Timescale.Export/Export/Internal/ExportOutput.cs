using Trading.Timescale.Operations;

namespace Trading.Timescale.Export;

/// <summary>
/// The destination of an export. Files are written to a staging directory first; a directory output receives it by one
/// rename at the end, an S3 output receives every file (verified) and then the manifest, so a manifest marks a complete export.
/// </summary>
internal sealed class ExportOutput
{
    private const string S3Scheme = "s3://";
    private readonly string? _directory;
    private readonly string? _bucket;
    private readonly string? _prefix;

    private ExportOutput(string display, string? directory, string? bucket, string? prefix)
    {
        Display = display;
        _directory = directory;
        _bucket = bucket;
        _prefix = prefix;
    }

    public string Display { get; }

    /// <summary>Checks the output before anything is written.</summary>
    public static ExportOutput Prepare(string output)
    {
        if (output.StartsWith(S3Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var rest = output[S3Scheme.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var bucket = slash < 0 ? rest : rest[..slash];
            var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
            if (bucket.Length == 0)
            {
                throw new ArgumentException($"Output '{output}' names no bucket: write s3://bucket/prefix.", nameof(output));
            }

            return new ExportOutput(output, null, bucket, prefix);
        }

        var directory = Path.GetFullPath(output);
        if (File.Exists(directory))
        {
            throw new ArgumentException($"Output '{output}' is a file; name a new or empty directory.", nameof(output));
        }

        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ArgumentException($"Output directory '{output}' is not empty; name a new or empty directory.", nameof(output));
        }

        return new ExportOutput(directory, directory, null, null);
    }

    public string CreateStaging()
    {
        var staging = _directory is { } directory
            ? Path.Combine(Path.GetDirectoryName(directory.TrimEnd(Path.DirectorySeparatorChar))!, "." + Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar)) + ".partial-" + Guid.NewGuid().ToString("N")[..8])
            : Path.Combine(Path.GetTempPath(), "trading-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Moves the staged files to the output and returns the manifest's location.</summary>
    public async Task<string> CommitAsync(string staging, IReadOnlyList<ExportedFile> files, CancellationToken cancellationToken)
    {
        if (_directory is { } directory)
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory);
            }

            Directory.Move(staging, directory);
            return Path.Combine(directory, ExportManifest.FileName);
        }

        using var store = S3BackupStore.FromEnvironment(_bucket!, _prefix);
        foreach (var file in files)
        {
            await store.UploadFileAsync(Path.Combine(staging, file.Path), file.Path, "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }

        var manifest = await store.UploadFileAsync(Path.Combine(staging, ExportManifest.FileName), ExportManifest.FileName, "application/json", cancellationToken)
            .ConfigureAwait(false);
        return manifest.ToString();
    }
}
