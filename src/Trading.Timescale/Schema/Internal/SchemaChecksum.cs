using System.Security.Cryptography;
using System.Text;

namespace Trading.Timescale.Schema.Internal;

/// <summary>SHA-256 checksums of schema files, independent of line endings and a byte-order mark.</summary>
internal static class SchemaChecksum
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return normalized.Length > 0 && normalized[0] == '\uFEFF' ? normalized[1..] : normalized;
    }

    /// <summary>The checksum of a versioned migration: its normalised text.</summary>
    public static string Compute(string text) => Hash(Normalize(text));

    /// <summary>The checksum of a repeatable script: its normalised text and every setting's value.</summary>
    public static string Compute(string text, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var content = new StringBuilder(Normalize(text));
        content.Append("\n-- settings\n");
        foreach (var setting in settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            content.Append(setting.Key).Append('=').Append(setting.Value).Append('\n');
        }

        return Hash(content.ToString());
    }

    /// <summary>
    /// A checksum shortened for a message: the first 12 characters of a SHA-256 hash; anything else stored in a
    /// journal (an edited row) is quoted as it is, cut to 64 characters.
    /// </summary>
    public static string Describe(string? checksum) => checksum switch
    {
        null => "(none)",
        { Length: 64 } when checksum.All(char.IsAsciiHexDigit) => checksum[..12],
        { Length: > 64 } => $"'{checksum[..64]}...' ({checksum.Length} characters)",
        _ => $"'{checksum}'",
    };

    private static string Hash(string content) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content))).ToLowerInvariant();
}
