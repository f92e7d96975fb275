using System.Security.Cryptography;
using System.Text;

namespace Trading.Timescale.Operations.Internal;

/// <summary>
/// SCRAM-SHA-256 password verifiers as PostgreSQL stores them (RFC 5802 and RFC 7677):
/// <c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>, all base64. A verifier sent as the
/// password of CREATE/ALTER ROLE is stored as is, so the plaintext never leaves this process.
/// </summary>
internal static class ScramSha256
{
    public const int DefaultIterations = 4096;
    private const int SaltLength = 16;
    private const string Prefix = "SCRAM-SHA-256$";

    public static string CreateVerifier(string password) =>
        CreateVerifier(password, RandomNumberGenerator.GetBytes(SaltLength), DefaultIterations);

    public static string CreateVerifier(string password, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(salt);
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Normalize(password)), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        return $"{Prefix}{iterations.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    /// <summary>Whether <paramref name="verifier"/> (a stored <c>rolpassword</c>) was made from <paramref name="password"/>.</summary>
    public static bool Matches(string? verifier, string password)
    {
        if (verifier is null || !verifier.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = verifier[Prefix.Length..].Split('$');
        var head = parts.Length == 2 ? parts[0].Split(':') : [];
        if (head.Length != 2 || !int.TryParse(head[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var iterations) || iterations <= 0)
        {
            return false;
        }

        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(head[1]);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(CreateVerifier(password, salt, iterations));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(verifier));
    }

    /// <summary>The SASLprep subset PostgreSQL and Npgsql agree on: NFKC, with non-ASCII spaces mapped to a space.</summary>
    private static string Normalize(string password)
    {
        var builder = new StringBuilder(password.Length);
        foreach (var c in password)
        {
            if (c is '\u00AD' or '\u200B' or '\u2060' or '\uFEFF' or '\u034F' or '\u180B' or '\u180C' or '\u180D' || c is >= '\uFE00' and <= '\uFE0F')
            {
                continue;
            }

            builder.Append(c > 127 && char.IsWhiteSpace(c) ? ' ' : c);
        }

        return builder.ToString().Normalize(NormalizationForm.FormKC);
    }
}
