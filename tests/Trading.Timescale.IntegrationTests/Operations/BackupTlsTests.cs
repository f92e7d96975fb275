using System.Diagnostics;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Testing;
using Trading.Timescale.Operations;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// pg_dump and pg_restore get Npgsql's TLS settings: a throwaway cluster with <c>ssl = on</c>, a CA made with openssl,
/// and a pg_hba.conf that lets the backup role in only over TLS with a client certificate the CA signed.
/// </summary>
public sealed class BackupTlsTests
{
    private const string Role = "tls_owner";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Backup_and_restore_connect_with_verify_full_and_a_client_certificate_and_are_refused_without_it()
    {
        var installation = LocalClusterTesting.InstallationOrSkip();
        var openssl = new[] { "/usr/bin/openssl", "/usr/local/bin/openssl" }.FirstOrDefault(File.Exists);
        Assert.SkipWhen(openssl is null, "openssl is not installed, so no test CA can be made.");
        var root = LocalClusterTesting.NewClusterRoot(installation);
        var tls = Path.Combine(Path.GetTempPath(), "tt-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(tls);
        File.SetUnixFileMode(tls, (UnixFileMode)0b111_101_101);
        try
        {
            await RunAsync(openssl!, tls, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=trading-timescale test CA");
            await File.WriteAllTextAsync(Path.Combine(tls, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", Ct);
            await IssueAsync(openssl!, tls, "server", "/CN=127.0.0.1", "server.ext");
            await IssueAsync(openssl!, tls, "client", "/CN=" + Role, null);
            await RunAsync("/bin/chown", tls, "postgres", "server.key", "server.crt", "ca.crt");
            File.SetUnixFileMode(Path.Combine(tls, "client.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var hba = Path.Combine(tls, "pg_hba.conf");
            await File.WriteAllTextAsync(hba, $"""
                local all all scram-sha-256
                hostssl all postgres 127.0.0.1/32 scram-sha-256
                hostssl all {Role} 127.0.0.1/32 scram-sha-256 clientcert=verify-full
                host all all 0.0.0.0/0 reject

                """, Ct);

            var options = LocalClusterTesting.LocalOnly(root);
            options.ServerSettings["ssl"] = "on";
            options.ServerSettings["ssl_cert_file"] = Path.Combine(tls, "server.crt");
            options.ServerSettings["ssl_key_file"] = Path.Combine(tls, "server.key");
            options.ServerSettings["ssl_ca_file"] = Path.Combine(tls, "ca.crt");
            options.ServerSettings["hba_file"] = hba;
            await using var server = await TimescaleTestServer.StartAsync(options, Ct);
            await using var database = await server.CreateDatabaseAsync("tls", Ct);
            await database.InstallSchemaAsync(cancellationToken: Ct);
            var password = Guid.NewGuid().ToString("N");
            await using (var admin = new NpgsqlConnection(server.ConnectionString))
            {
                await admin.OpenAsync(Ct);
                await using var create = new NpgsqlCommand(
                    $"CREATE ROLE {Role} LOGIN SUPERUSER PASSWORD '{ScramSha256.CreateVerifier(password)}'", admin);
                await create.ExecuteNonQueryAsync(Ct);
            }

            await using (var rows = NpgsqlDataSource.Create(database.ConnectionString))
            await using (var insert = rows.CreateCommand(
                "INSERT INTO trading.signals (symbol, signal_type, confidence, model_version, timestamp) SELECT 'S' || g, 'BUY', 0.5, 'm1', now() - g * interval '1 hour' FROM generate_series(1, 25) g"))
            {
                await insert.ExecuteNonQueryAsync(Ct);
            }

            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString)
            {
                Host = "127.0.0.1",
                Username = Role,
                Password = password,
                SslMode = SslMode.VerifyFull,
                RootCertificate = Path.Combine(tls, "ca.crt"),
                SslCertificate = Path.Combine(tls, "client.crt"),
                SslKey = Path.Combine(tls, "client.key"),
                Pooling = false,
            };
            var directory = Path.Combine(tls, "backups");
            var backups = new TradingBackups(builder.ConnectionString);

            var backup = await backups.BackupAsync(new BackupRequest(BackupKind.Full, directory), cancellationToken: Ct);
            var target = database.Name + "_restored";
            var restored = await backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);

            Assert.Equal(25L, backup.Manifest.Tables.Single(t => t.Name == "trading.signals").Rows);
            Assert.Equal(target, restored.Database);
            await using (var check = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = target }.ConnectionString))
            {
                await check.OpenAsync(Ct);
                await using var count = new NpgsqlCommand("SELECT count(*) FROM trading.signals", check);
                Assert.Equal(25L, (long)(await count.ExecuteScalarAsync(Ct))!);
                await using var ssl = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", check);
                Assert.True((bool)(await ssl.ExecuteScalarAsync(Ct))!);
            }

            // The same role without its client certificate is refused by the server.
            var withoutCertificate = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { SslCertificate = null, SslKey = null }.ConnectionString;
            var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() =>
                new TradingBackups(withoutCertificate).BackupAsync(new BackupRequest(BackupKind.Full, directory), cancellationToken: Ct));
            Assert.Contains("certificate", refused.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Single(BackupDirectory.List(directory));
        }
        finally
        {
            Directory.Delete(tls, recursive: true);
            LocalClusterTesting.DeleteRoot(root);
        }
    }

    private static async Task IssueAsync(string openssl, string directory, string name, string subject, string? extensions)
    {
        await RunAsync(openssl, directory, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        string[] sign = ["x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt", "-days", "2"];
        await RunAsync(openssl, directory, extensions is null ? sign : [.. sign, "-extfile", extensions]);
    }

    private static async Task RunAsync(string file, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {await errors}");
    }
}
