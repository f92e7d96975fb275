namespace Trading.Timescale.Operations;

/// <summary>An <c>s3://bucket/key</c> reference to a backup object.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Key">The object key.</param>
public sealed record S3BackupLocation(string Bucket, string Key)
{
    /// <summary>The URI scheme prefix, <c>s3://</c>.</summary>
    public const string Scheme = "s3://";

    /// <summary>Reads <c>s3://bucket/key</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="location">The bucket and key when the text is an S3 reference.</param>
    /// <returns>Whether the text starts with <c>s3://</c> and names a bucket and a key.</returns>
    public static bool TryParse(string? text, out S3BackupLocation? location)
    {
        location = null;
        if (text is null || !text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = text[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }

        location = new S3BackupLocation(rest[..slash], rest[(slash + 1)..]);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Scheme + Bucket + "/" + Key;
}
