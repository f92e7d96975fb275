using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// Backups that cannot be turned against their owner: signed manifests against tampering, private files, a replace that
/// never loses the original, and database names that cannot redirect pg_dump or pg_restore.
/// </summary>
public sealed class BackupTrustTests(TimescaleServerFixture server) : BackupTest(server)
{
    private static readonly BackupSigningKey Key = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task A_signed_backup_restores_and_a_tampered_unsigned_or_foreign_one_is_refused_before_pg_restore()
    {
        await LoadEveryTableAsync();
        var unsigned = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        Assert.Null(unsigned.Manifest.Signature);
        var keyed = new TradingBackups(Database.ConnectionString) { SigningKey = Key };
        var backup = await keyed.BackupAsync(new BackupRequest(BackupKind.Full, Path.Combine(BackupDirectoryPath, "signed")), cancellationToken: Ct);
        Assert.Equal(Key.KeyId, backup.Manifest.SignatureKeyId);
        Assert.Equal(Key.Sign(backup.Manifest), backup.Manifest.Signature);
        Assert.Equal(backup.Manifest.ToJson(), BackupDirectory.Read(backup.DumpPath).Manifest.ToJson());

        var target = NewDatabaseName("signed");
        await keyed.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));

        // A changed manifest: one more row claimed for a table.
        var changedManifest = CopyBackup(backup, "manifest");
        await EditManifestAsync(changedManifest, m => m["tables"]![0]!["rows"] = (long)m["tables"]![0]!["rows"]! + 1);
        await AssertRefusedAsync(keyed, changedManifest, "does not match");

        // A changed dump whose manifest got the new SHA-256 and size: the hash agrees, the signature does not.
        var changedDump = CopyBackup(backup, "dump");
        await using (var stream = new FileStream(changedDump, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            var value = stream.ReadByte();
            stream.Position = stream.Length / 2;
            stream.WriteByte((byte)(value ^ 0xFF));
        }

        var newHash = await BackupDirectory.Sha256Async(changedDump, cancellationToken: Ct);
        await EditManifestAsync(changedDump, m => m["sha256"] = newHash);
        await BackupDirectory.VerifyAsync(changedDump, cancellationToken: Ct);
        await AssertRefusedAsync(keyed, changedDump, "does not match");

        // An unsigned backup, and one signed with another key.
        await AssertRefusedAsync(keyed, unsigned.DumpPath, "is not signed");
        var other = new BackupSigningKey(RandomNumberGenerator.GetBytes(32));
        var foreign = await AssertRefusedAsync(new TradingBackups(Database.ConnectionString) { SigningKey = other }, backup.DumpPath, "does not match");
        Assert.Contains($"signed with key {Key.KeyId}, and the configured key is {other.KeyId}", foreign.Message, StringComparison.Ordinal);

        // A signature copied over from another backup does not fit a manifest it was not made for.
        var moved = CopyBackup(unsigned, "moved");
        await EditManifestAsync(moved, m =>
        {
            m["signature"] = backup.Manifest.Signature;
            m["signatureKeyId"] = backup.Manifest.SignatureKeyId;
        });
        await AssertRefusedAsync(keyed, moved, "does not match");
    }

    [Fact]
    public void A_signing_key_file_must_hold_enough_bytes()
    {
        Directory.CreateDirectory(BackupDirectoryPath);
        var path = Path.Combine(BackupDirectoryPath, "short.key");
        File.WriteAllText(path, "short\n");

        var error = Assert.Throws<TradingBackupException>(() => BackupSigningKey.FromFile(path));

        Assert.Contains($"{path} holds 5 bytes", error.Message, StringComparison.Ordinal);
        File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        Assert.Equal(BackupSigningKey.FromFile(path).KeyId, new BackupSigningKey(File.ReadAllBytes(path).AsSpan(0, 44)).KeyId);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Backup_directories_are_0700_files_0600_and_a_clone_stages_its_copy_in_the_named_directory()
    {
        var directory = Path.Combine(BackupDirectoryPath, "new", "nested");

        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Schema, directory), cancellationToken: Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(BackupDirectoryPath, "new")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup.DumpPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup.ManifestPath));

        var staging = Path.Combine(BackupDirectoryPath, "staging");
        var seen = new List<(string Path, UnixFileMode Mode)>();
        var progress = new ObservingProgress(report =>
        {
            if (report.Stage == BackupStage.Restoring && seen.Count == 0)
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(staging, "*", SearchOption.AllDirectories))
                {
                    seen.Add((entry, File.GetUnixFileMode(entry)));
                }
            }
        });
        await Backups.CloneAsync(Database.Name, NewDatabaseName("staged"), staging, progress, Ct);

        Assert.Contains(seen, e => e.Path.EndsWith(".dump", StringComparison.Ordinal) && e.Mode == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.Contains(seen, e => Path.GetFileName(e.Path).StartsWith("clone-", StringComparison.Ordinal) && e.Mode == (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.All(seen, e => Assert.StartsWith(staging, e.Path, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(staging));
    }

    [Fact]
    public async Task A_replace_that_fails_midway_or_does_not_match_the_manifest_leaves_the_original_untouched_and_named_the_same()
    {
        var (backup, target) = await RestoredTargetThatDiffersAsync("replace");

        var original = await FingerprintAsync(ConnectionStringFor(target));
        Assert.NotEqual(await FingerprintAsync(Database.ConnectionString), original);

        // pg_restore stopped in the middle of the restore (the fifth archive item).
        using (var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var progress = new ObservingProgress(report =>
            {
                if (report.Stage == BackupStage.Restoring && report.Completed >= 5)
                {
                    cancellation.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backups.RestoreAsync(
                new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, ReplaceExisting = true }, progress, cancellation.Token));
        }

        Assert.Equal(original, await FingerprintAsync(ConnectionStringFor(target)));
        Assert.Equal([target], await DatabasesStartingWithAsync(target));

        // A complete restore whose rows do not match the manifest.
        var mismatched = CopyBackup(backup, "rows");
        await EditManifestAsync(mismatched, m =>
        {
            var signals = m["tables"]!.AsArray().Single(t => (string?)t!["name"] == "trading.signals")!;
            signals["rows"] = (long)signals["rows"]! + 1;
        });
        var error = await Assert.ThrowsAsync<TradingBackupException>(() => Backups.RestoreAsync(
            new RestoreRequest(RestoreKind.Full, mismatched) { TargetDatabase = target, ReplaceExisting = true }, cancellationToken: Ct));
        Assert.Contains("trading.signals has 60 rows, and the manifest says 61", error.Message, StringComparison.Ordinal);
        Assert.Contains($"database {target} was not changed", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, await FingerprintAsync(ConnectionStringFor(target)));
        Assert.Equal([target], await DatabasesStartingWithAsync(target));

        // A good restore takes the name; the replaced database is gone and the restored one left restore mode.
        var replaced = await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, ReplaceExisting = true }, cancellationToken: Ct);
        Assert.True(replaced.Created);
        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
        Assert.Equal([target], await DatabasesStartingWithAsync(target));
        Assert.Equal("off", await ScalarAsync<string>(ConnectionStringFor(target), "SHOW timescaledb.restoring"));
    }

    [Fact]
    public async Task Database_names_holding_connection_settings_stay_names_for_pg_dump_and_pg_restore()
    {
        var stem = "tt_" + Guid.NewGuid().ToString("N")[..8];
        // Read as a connection string, each name would send pg_dump to a closed port or to the postgres database.
        var source = TrackDatabase(stem + " host=127.0.0.1 port=1 dbname=postgres");
        var target = TrackDatabase(stem + "' host=127.0.0.1 port=1 x='");
        var copy = TrackDatabase(stem + " port=1");
        // A database without TimescaleDB, so that no job of its own changes it while it is dumped.
        await using (var admin = new NpgsqlConnection(ServerFixture.Server.ConnectionString))
        {
            await admin.OpenAsync(Ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{source}\"", admin);
            await create.ExecuteNonQueryAsync(Ct);
        }

        await using (var connection = new NpgsqlConnection(ConnectionStringFor(source)))
        {
            await connection.OpenAsync(Ct);
            await using var load = new NpgsqlCommand("CREATE SCHEMA trading; CREATE TABLE trading.marks AS SELECT g AS id, md5(g::text) AS mark FROM generate_series(1, 250) g", connection);
            await load.ExecuteNonQueryAsync(Ct);
        }

        var backups = new TradingBackups(ConnectionStringFor(source));
        var backup = await backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        await backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        await backups.CloneAsync(source, copy, BackupDirectoryPath, cancellationToken: Ct);

        Assert.Equal(source, backup.Manifest.Database);
        Assert.Equal(250L, Assert.Single(backup.Manifest.Tables).Rows);
        var expected = await FingerprintAsync(ConnectionStringFor(source));
        Assert.Equal(250L, expected["trading.marks"].Rows);
        Assert.Equal(expected, await FingerprintAsync(ConnectionStringFor(target)));
        Assert.Equal(expected, await FingerprintAsync(ConnectionStringFor(copy)));
    }

    private string CopyBackup(BackupFile backup, string folder)
    {
        var directory = Path.Combine(BackupDirectoryPath, folder);
        Directory.CreateDirectory(directory);
        var dump = Path.Combine(directory, Path.GetFileName(backup.DumpPath));
        File.Copy(backup.DumpPath, dump);
        File.Copy(backup.ManifestPath, BackupManifest.PathFor(dump));
        return dump;
    }

    private static async Task EditManifestAsync(string dumpPath, Action<JsonObject> edit)
    {
        var path = BackupManifest.PathFor(dumpPath);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(path, Ct))!.AsObject();
        edit(manifest);
        await File.WriteAllTextAsync(path, manifest.ToJsonString(), Ct);
    }

    private async Task<TradingBackupException> AssertRefusedAsync(TradingBackups backups, string dumpPath, string reason)
    {
        var target = NewDatabaseName("refused" + Guid.NewGuid().ToString("N")[..4]);
        var error = await Assert.ThrowsAsync<TradingBackupException>(() =>
            backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, dumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("it was not used", error.Message, StringComparison.Ordinal);
        Assert.False(await DatabaseExistsAsync(target), "the refused backup reached CREATE DATABASE and pg_restore");
        return error;
    }

    /// <summary>Runs the action on each report, on the reporting thread.</summary>
    private sealed class ObservingProgress(Action<BackupProgress> observe) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value)
        {
            lock (this)
            {
                observe(value);
            }
        }
    }
}
