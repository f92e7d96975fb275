using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>What a killed, cancelled, corrupt or incompatible backup or restore leaves behind, and where passwords go.</summary>
public sealed class BackupSafetyTests(TimescaleServerFixture server) : BackupTest(server)
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_killed_pg_dump_leaves_no_complete_looking_file_and_never_had_the_password_in_its_arguments()
    {
        await LoadEveryTableAsync();
        var password = new NpgsqlConnectionStringBuilder(Database.ConnectionString).Password!;
        Assert.False(string.IsNullOrEmpty(password));

        // pg_dump waits for its lock on a table while this transaction holds it: the dump is mid-way.
        await using var blocker = await BlockPgDumpAsync();

        var backup = Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var pgDump = await WaitForChildAsync("pg_dump", BackupDirectoryPath);
        var arguments = await File.ReadAllTextAsync($"/proc/{pgDump}/cmdline", Ct);
        var environment = (await File.ReadAllTextAsync($"/proc/{pgDump}/environ", Ct)).Split('\0');
        Assert.DoesNotContain(password, arguments, StringComparison.Ordinal);
        Assert.DoesNotContain(environment, e => e.StartsWith("PGPASSWORD=", StringComparison.Ordinal));
        var passFile = Assert.Single(environment, e => e.StartsWith("PGPASSFILE=", StringComparison.Ordinal))["PGPASSFILE=".Length..];
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passFile));
        // The password file names the exact host, port, database and user: no wildcard lends the password to another server.
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var lines = (await File.ReadAllTextAsync(passFile, Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"{builder.Host}:{builder.Port}:{Database.Name}:{builder.Username}:{password}", lines);
        Assert.All(lines, line => Assert.DoesNotContain("*", line, StringComparison.Ordinal));
        Assert.Contains($"dbname='{Database.Name}'", arguments, StringComparison.Ordinal);
        Assert.Contains(Directory.EnumerateFiles(BackupDirectoryPath), f => f.EndsWith(".dump.partial", StringComparison.Ordinal));

        using (var process = Process.GetProcessById(pgDump))
        {
            process.Kill();
        }

        var error = await Assert.ThrowsAsync<TradingBackupException>(() => backup);
        Assert.Contains("killed by signal 9", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(BackupDirectoryPath));
        Assert.Empty(BackupDirectory.List(BackupDirectoryPath));
        Assert.False(File.Exists(passFile), "the password file outlived pg_dump");
    }

    [Fact]
    public async Task A_cancelled_backup_stops_pg_dump_and_leaves_nothing()
    {
        await using var blocker = await BlockPgDumpAsync();

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var backup = Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: cancellation.Token);
        var pgDump = await WaitForChildAsync("pg_dump", BackupDirectoryPath);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backup);
        Assert.False(Directory.Exists($"/proc/{pgDump}") && !(await File.ReadAllTextAsync($"/proc/{pgDump}/stat", Ct)).Contains(") Z ", StringComparison.Ordinal), "pg_dump still runs");
        Assert.Empty(Directory.EnumerateFileSystemEntries(BackupDirectoryPath));
    }

    [Fact]
    public async Task Restore_refuses_a_different_TimescaleDB_version_naming_both()
    {
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(backup.ManifestPath, Ct))!.AsObject();
        manifest["timescaleVersion"] = "2.18.0";
        await File.WriteAllTextAsync(backup.ManifestPath, manifest.ToJsonString(), Ct);
        var target = NewDatabaseName("version");

        var error = await Assert.ThrowsAsync<TradingBackupException>(() =>
            Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct));

        Assert.Contains("TimescaleDB 2.18.0", error.Message, StringComparison.Ordinal);
        Assert.Contains($"TimescaleDB {Database.ServerInfo.TimescaleVersion}", error.Message, StringComparison.Ordinal);
        Assert.False(await ScalarAsync<bool>(ServerFixture.Server.ConnectionString, $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{target}')"));
    }

    [Fact]
    public async Task Restore_into_a_database_holding_the_trading_schema_is_refused_unless_replacing()
    {
        await LoadEveryTableAsync();
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName("replace");
        await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        await using (var connection = new NpgsqlConnection(ConnectionStringFor(target)))
        {
            await connection.OpenAsync(Ct);
            await using var delete = new NpgsqlCommand("DELETE FROM trading.signals", connection);
            await delete.ExecuteNonQueryAsync(Ct);
        }

        var error = await Assert.ThrowsAsync<TradingBackupException>(() =>
            Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target }, cancellationToken: Ct));
        Assert.Contains($"database {target} already holds the trading schema", error.Message, StringComparison.Ordinal);
        Assert.Contains("--replace", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(ConnectionStringFor(target), "SELECT count(*) FROM trading.signals"));

        var missing = await Assert.ThrowsAsync<TradingBackupException>(() =>
            Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = NewDatabaseName("missing") }, cancellationToken: Ct));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        var replaced = await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, ReplaceExisting = true }, cancellationToken: Ct);
        Assert.True(replaced.Created);
        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
    }

    [Fact]
    public async Task A_changed_dump_is_refused_by_its_checksum()
    {
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Schema, BackupDirectoryPath), cancellationToken: Ct);
        await using (var stream = new FileStream(backup.DumpPath, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            var value = stream.ReadByte();
            stream.Position = stream.Length / 2;
            stream.WriteByte((byte)(value ^ 0xFF));
        }

        var error = await Assert.ThrowsAsync<TradingBackupException>(() =>
            Backups.RestoreAsync(new RestoreRequest(RestoreKind.Schema, backup.DumpPath) { TargetDatabase = NewDatabaseName("corrupt"), CreateDatabase = true }, cancellationToken: Ct));
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains(backup.Manifest.Sha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_backups_are_listed_and_pruned_by_their_manifest_time_keeping_the_newest_verified_full_backup()
    {
        var first = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var second = await Backups.BackupAsync(new BackupRequest(BackupKind.Schema, BackupDirectoryPath), cancellationToken: Ct);
        var third = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        File.WriteAllText(Path.Combine(BackupDirectoryPath, "stray.dump.partial"), "half");

        Assert.Equal([first.DumpPath, second.DumpPath, third.DumpPath], BackupDirectory.List(BackupDirectoryPath).Select(b => b.DumpPath));
        Assert.Empty(await BackupDirectory.PruneAsync(BackupDirectoryPath, TimeSpan.FromDays(30), now: third.Manifest.CreatedAt + NodaTime.Duration.FromDays(29), cancellationToken: Ct));

        // The newest full backup is damaged: it does not verify, so the older full backup is the one kept.
        await File.AppendAllTextAsync(third.DumpPath, "x", Ct);
        var pruned = await BackupDirectory.PruneAsync(BackupDirectoryPath, TimeSpan.FromDays(30), now: third.Manifest.CreatedAt + NodaTime.Duration.FromDays(31), cancellationToken: Ct);

        Assert.Equal([second.DumpPath, third.DumpPath], pruned.Select(b => b.DumpPath));
        Assert.Equal([first.DumpPath], BackupDirectory.List(BackupDirectoryPath).Select(b => b.DumpPath));
        Assert.Equal(
            new[] { Path.GetFileName(first.DumpPath), Path.GetFileName(first.ManifestPath), "stray.dump.partial" }.Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(BackupDirectoryPath).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Even when every backup is older than the retention, the newest verified full backup stays.
        Assert.Empty(await BackupDirectory.PruneAsync(BackupDirectoryPath, TimeSpan.FromDays(1), now: third.Manifest.CreatedAt + NodaTime.Duration.FromDays(400), cancellationToken: Ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackupDirectory.PruneAsync(BackupDirectoryPath, TimeSpan.Zero, cancellationToken: Ct).GetAwaiter().GetResult());
    }

    /// <summary>A connection whose open transaction holds an exclusive lock on a table that pg_dump dumps.</summary>
    private async Task<NpgsqlConnection> BlockPgDumpAsync()
    {
        await ExecuteAsync("CREATE TABLE public.dump_blocker (id int); INSERT INTO public.dump_blocker VALUES (1)");
        var connection = await DataSource.OpenConnectionAsync(Ct);
        await using var command = new NpgsqlCommand("BEGIN; LOCK TABLE public.dump_blocker IN ACCESS EXCLUSIVE MODE", connection);
        await command.ExecuteNonQueryAsync(Ct);
        return connection;
    }

    /// <summary>The id of this process's child <paramref name="name"/> whose command line mentions <paramref name="marker"/>.</summary>
    private static async Task<int> WaitForChildAsync(string name, string marker)
    {
        var self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid))
                {
                    continue;
                }

                try
                {
                    var stat = await File.ReadAllTextAsync(Path.Combine(directory, "stat"), Ct);
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    var command = await File.ReadAllTextAsync(Path.Combine(directory, "cmdline"), Ct);
                    if (fields[1] == self && command.Contains(name, StringComparison.Ordinal) && command.Contains(marker, StringComparison.Ordinal))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
            }

            await Task.Delay(100, Ct);
        }

        throw new InvalidOperationException($"no child {name} with {marker} in its arguments appeared.");
    }
}
