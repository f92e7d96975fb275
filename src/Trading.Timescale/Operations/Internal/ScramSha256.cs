using System.Security.Cryptography;
using System.Text;

namespace Trading.Timescale.Operations.Internal;

/// <summary>
/// SCRAM-SHA-256 password verifiers as PostgreSQL stores them (RFC 5802 and RFC 7677):
/// <c>SCRAM-SHA-256$&lt;iterations&gt;:&lt;salt&gt;$&lt;StoredKey&gt;:&lt;ServerKey&gt;</c>, all base64, over the password
/// as <see cref="SaslPrep"/> prepares it. A verifier sent as the
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
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(SaslPrep.Prepare(password)), salt, iterations, HashAlgorithmName.SHA256, 32);
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
}
