using System.Security.Cryptography;
using System.Text;

namespace Trading.Timescale.Operations;

/// <summary>
/// A secret key that signs backup manifests with HMAC-SHA-256. The manifest names the dump's size and SHA-256, so a
/// valid signature vouches for the dump too. Keep the key out of the bucket: whoever holds it can sign any backup.
/// </summary>
public sealed class BackupSigningKey
{
    /// <summary>The fewest bytes a key may have.</summary>
    public const int MinimumLength = 32;

    /// <summary>The signature algorithm written into a signed manifest.</summary>
    public const string Algorithm = "HMAC-SHA256";

    private readonly byte[] _key;

    /// <summary>Creates a key from its bytes.</summary>
    /// <param name="key">The secret; at least <see cref="MinimumLength"/> bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is shorter than <see cref="MinimumLength"/> bytes.</exception>
    public BackupSigningKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumLength)
        {
            throw new ArgumentException(
                $"A backup signing key needs at least {MinimumLength} bytes, and this one has {key.Length}; create one with: head -c 32 /dev/urandom | base64 > backup-signing.key",
                nameof(key));
        }

        _key = key.ToArray();
        KeyId = Convert.ToHexString(SHA256.HashData(_key))[..16].ToLowerInvariant();
    }

    /// <summary>
    /// A public name of the key: the first 16 hex digits of its SHA-256. A signed manifest records it, so a restore can
    /// tell a backup signed with another key from a changed one.
    /// </summary>
    public string KeyId { get; }

    /// <summary>Reads a key file (for example the file BACKUP_SIGNING_KEY_FILE names): its bytes, without a trailing line break.</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The file cannot be read or holds fewer than <see cref="MinimumLength"/> bytes.</exception>
    public static BackupSigningKey FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TradingBackupException($"the backup signing key file {path} cannot be read: {ex.Message}", ex);
        }

        var length = bytes.Length;
        while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r')
        {
            length--;
        }

        if (length < MinimumLength)
        {
            throw new TradingBackupException(
                $"the backup signing key file {path} holds {length} bytes; a key needs at least {MinimumLength}. Create one with: head -c 32 /dev/urandom | base64 > {path}");
        }

        return new BackupSigningKey(bytes.AsSpan(0, length));
    }

    /// <summary>The HMAC-SHA-256 of a manifest's signed content, lower-case hex.</summary>
    /// <param name="manifest">The manifest; its own signature fields are not part of what is signed.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="manifest"/> is <see langword="null"/>.</exception>
    public string Sign(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(manifest.SignedContent()))).ToLowerInvariant();
    }

    /// <summary>Returns the manifest with this key's signature.</summary>
    /// <param name="manifest">The manifest to sign.</param>
    /// <returns>A copy that carries <see cref="BackupManifest.Signature"/> and <see cref="BackupManifest.SignatureKeyId"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="manifest"/> is <see langword="null"/>.</exception>
    public BackupManifest SignManifest(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest with { Signature = Sign(manifest), SignatureKeyId = KeyId };
    }

    /// <summary>
    /// Checks a manifest's signature with this key, in constant time. An unsigned manifest, one signed with another
    /// key, and a changed one are refused with a message that says which.
    /// </summary>
    /// <param name="manifest">The manifest as read.</param>
    /// <param name="source">Where it came from, for the message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="manifest"/> or <paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The manifest is unsigned, or its signature does not match.</exception>
    public void Verify(BackupManifest manifest, string source)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(source);
        if (string.IsNullOrEmpty(manifest.Signature))
        {
            throw new TradingBackupException(
                $"{source} is not signed, and a backup signing key ({KeyId}) is configured: an unsigned backup is refused; it was not used.");
        }

        var expected = Convert.FromHexString(Sign(manifest));
        byte[] actual;
        try
        {
            actual = Convert.FromHexString(manifest.Signature);
        }
        catch (FormatException)
        {
            actual = [];
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            var why = manifest.SignatureKeyId is { } keyId && !string.Equals(keyId, KeyId, StringComparison.OrdinalIgnoreCase)
                ? $"it says it was signed with key {keyId}, and the configured key is {KeyId}"
                : "the manifest was changed after it was signed, or signed with another key";
            throw new TradingBackupException($"{source} has a signature that does not match ({why}); it was not used.");
        }
    }
}
