using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// Non-ASCII passwords: the verifier this library computes equals the one PostgreSQL computes from the plaintext (its own
/// SASLprep, fallback included), and a role given it logs in through libpq (psql) and Npgsql.
/// </summary>
public sealed class ScramPasswordTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private readonly string _suffix = RandomNumberGenerator.GetHexString(8, lowercase: true);
    private readonly List<string> _roles = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A password, other spellings libpq must accept for it (SASLprep makes them equal), and the spelling Npgsql needs.</summary>
    private static readonly (string Name, string Password, string[] SameForLibpq, string[] NotTheSame, string ForNpgsql)[] Cases =
    [
        ("composed", "caf\u00E9 au lait", ["cafe\u0301 au lait"], ["cafe au lait"], "caf\u00E9 au lait"),
        ("decomposed", "cafe\u0301 cr\u00E8me", ["caf\u00E9 cre\u0300me"], [], "cafe\u0301 cr\u00E8me"),
        ("non-ASCII spaces", "no\u00A0break\u2003spaces", ["no break spaces"], [], "no\u00A0break\u2003spaces"),
        ("mapped to nothing", "soft\u00ADhy\u200Bphen", ["softhy phen"], ["soft\u00ADhyphen"], "softhy phen"),
        ("full-width", "\uFF30\uFF41\uFF53\uFF53\uFF17-\u00E9", ["Pass7-\u00E9"], [], "\uFF30\uFF41\uFF53\uFF53\uFF17-\u00E9"),
        ("prohibited control: raw", "ctrl\u0007caf\u00E9", [], ["ctrl\u0007cafe\u0301"], "ctrl\u0007caf\u00E9"),
        ("bidi violation: raw", "\u05D0bc-\u00E9", [], [], "\u05D0bc-\u00E9"),
        ("unassigned in Unicode 3.2: raw", "emoji\U0001F600\u00E9", [], [], "emoji\U0001F600\u00E9"),
    ];

    private string ConnectionAs(string role, string password) =>
        new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = role, Password = password, Pooling = false }.ConnectionString;

    private async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<string> NewRoleAsync(string verifierOrPassword)
    {
        var role = $"scram_{_suffix}_{_roles.Count}";
        _roles.Add(role);
        await ExecuteAsync($"SET password_encryption = 'scram-sha-256'; CREATE ROLE {role} LOGIN PASSWORD '{verifierOrPassword}'");
        return role;
    }

    /// <summary>Logs in through libpq: psql with the password in PGPASSWORD (no passfile); returns whether it got in.</summary>
    private async Task<bool> PsqlLogsInAsync(string role, string password)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var start = new ProcessStartInfo(Psql.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-X", "-At", "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", role, "-d", builder.Database!, "-c", "SELECT current_user" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = password;
        start.Environment["PGPASSFILE"] = "/dev/null";
        start.Environment["PGCLIENTENCODING"] = "UTF8";
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0 || error.Contains("password authentication failed", StringComparison.Ordinal), $"psql as {role}: {error}");
        return process.ExitCode == 0 && output.Trim() == role;
    }

    private async Task<bool> NpgsqlLogsInAsync(string role, string password)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionAs(role, password));
            await connection.OpenAsync(Ct);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidPassword)
        {
            return false;
        }
    }

    private async Task RequirePasswordAuthenticationAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT coalesce(string_agg(DISTINCT auth_method, ','), '') FROM pg_hba_file_rules WHERE type = 'host'");
        var methods = (string)(await command.ExecuteScalarAsync(Ct))!;
        Assert.SkipWhen(methods.Contains("trust", StringComparison.Ordinal), $"The server lets host connections in without a password ({methods}).");
    }

    [Fact]
    public async Task The_verifier_equals_the_one_postgresql_computes_from_the_plaintext()
    {
        var mismatches = new List<string>();
        foreach (var (name, password, _, _, _) in Cases)
        {
            // The server runs its own pg_saslprep on a plaintext password; the test is the only place a plaintext is sent.
            var role = await NewRoleAsync(password);
            await using var command = DataSource.CreateCommand("SELECT rolpassword FROM pg_authid WHERE rolname = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = role });
            var stored = (string)(await command.ExecuteScalarAsync(Ct))!;
            if (!ScramSha256.Matches(stored, password))
            {
                mismatches.Add(name);
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task A_role_given_the_verifier_logs_in_through_libpq_and_npgsql()
    {
        await RequirePasswordAuthenticationAsync();
        var failures = new List<string>();
        foreach (var (name, password, same, different, forNpgsql) in Cases)
        {
            var role = await NewRoleAsync(ScramSha256.CreateVerifier(password));
            foreach (var spelling in same.Prepend(password))
            {
                if (!await PsqlLogsInAsync(role, spelling))
                {
                    failures.Add($"{name}: psql refused {Escape(spelling)}");
                }
            }

            foreach (var spelling in different)
            {
                if (await PsqlLogsInAsync(role, spelling))
                {
                    failures.Add($"{name}: psql accepted {Escape(spelling)}");
                }
            }

            if (!await NpgsqlLogsInAsync(role, forNpgsql))
            {
                failures.Add($"{name}: Npgsql refused {Escape(forNpgsql)}");
            }
        }

        Assert.Empty(failures);
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Append(rune.Value is < 0x20 or > 0x7E ? $"\\u{rune.Value:X4}" : rune.ToString());
        }

        return builder.ToString();
    }

    public override async ValueTask DisposeAsync()
    {
        await TestRoles.DropAsync(Database.ConnectionString, _roles);

        await base.DisposeAsync();
    }
}
