using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.Tests.Operations;

public class SecurityTests
{
    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Libpq_sslmode_spellings_map_to_npgsql(string sslmode, SslMode expected)
    {
        var builder = new NpgsqlConnectionStringBuilder(TradingConnectionString.Normalize(
            $"postgresql://app@db.example.com/trading_db?sslmode={sslmode}&sslrootcert=/etc/trading/ca.crt"));

        Assert.Equal(expected, builder.SslMode);
        Assert.Equal("/etc/trading/ca.crt", builder.RootCertificate);
    }

    [Fact]
    public void A_scram_verifier_follows_rfc_5802()
    {
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");

        var verifier = ScramSha256.CreateVerifier("pencil", salt, 4096);

        // Recomputed step by step from RFC 5802: SaltedPassword = Hi(password, salt, i) = PBKDF2-HMAC-SHA-256.
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("pencil"), salt, 4096, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(saltedPassword, Encoding.ASCII.GetBytes("Client Key")));
        var serverKey = HMACSHA256.HashData(saltedPassword, Encoding.ASCII.GetBytes("Server Key"));
        Assert.Equal($"SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}", verifier);
        Assert.True(ScramSha256.Matches(verifier, "pencil"));
        Assert.False(ScramSha256.Matches(verifier, "Pencil"));
        Assert.False(ScramSha256.Matches("md5abcdef", "pencil"));
        Assert.DoesNotContain("pencil", verifier, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_verifier_has_its_own_salt()
    {
        var first = ScramSha256.CreateVerifier("same password");
        var second = ScramSha256.CreateVerifier("same password");

        Assert.NotEqual(first, second);
        Assert.True(ScramSha256.Matches(first, "same password"));
        Assert.True(ScramSha256.Matches(second, "same password"));
    }
}
