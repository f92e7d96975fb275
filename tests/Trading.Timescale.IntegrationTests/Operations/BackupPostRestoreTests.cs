using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>A restore whose <c>timescaledb_post_restore()</c> fails says so, and a replace then changes nothing.</summary>
public sealed class BackupPostRestoreTests(TimescaleServerFixture server) : BackupTest(server)
{
    [Fact]
    public async Task A_replace_whose_post_restore_session_is_terminated_reports_it_and_leaves_the_original_untouched()
    {
        Assert.SkipWhen(Database.ServerInfo.TimescaleVersion is null, "The server has no TimescaleDB, so a restore runs no timescaledb_post_restore().");
        var (backup, target) = await RestoredTargetThatDiffersAsync("post");

        var original = await FingerprintAsync(ConnectionStringFor(target));
        var staging = target + "_restoring_";

        var restore = Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, ReplaceExisting = true }, cancellationToken: Ct);

        // Once pg_restore runs in the staged copy (timescaledb_pre_restore() is done), database settings are held:
        // timescaledb_post_restore() waits in its ALTER DATABASE ... RESET, and its session is terminated there.
        await using var admin = new NpgsqlConnection(ServerFixture.Server.ConnectionString);
        await admin.OpenAsync(Ct);
        await WaitForAsync(admin, "SELECT count(*) FROM pg_stat_activity WHERE starts_with(datname, @staging) AND application_name = 'trading-timescale'", staging, restore);
        // pg_stat_activity is read once per transaction: the lock is held on a connection of its own.
        await using var holder = new NpgsqlConnection(ServerFixture.Server.ConnectionString);
        await holder.OpenAsync(Ct);
        await using (var hold = new NpgsqlCommand("BEGIN; LOCK TABLE pg_catalog.pg_db_role_setting IN EXCLUSIVE MODE", holder))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        const string postRestore = """
            SELECT count(*) FROM pg_stat_activity
            WHERE starts_with(datname, @staging) AND query LIKE '%timescaledb_post_restore()%' AND wait_event_type = 'Lock'
            """;
        await WaitForAsync(admin, postRestore, staging, restore);
        await using (var terminate = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE starts_with(datname, @staging) AND query LIKE '%timescaledb_post_restore()%'", admin))
        {
            terminate.Parameters.AddWithValue("staging", staging);
            Assert.Equal(1L, (long)(await terminate.ExecuteScalarAsync(Ct))!);
        }

        await using (var release = new NpgsqlCommand("COMMIT", holder))
        {
            await release.ExecuteNonQueryAsync(Ct);
        }

        var error = await Assert.ThrowsAsync<TradingBackupException>(() => restore);
        Assert.Contains("timescaledb_post_restore() failed in the restored copy " + staging, error.Message, StringComparison.Ordinal);
        Assert.Contains("terminating connection due to administrator command", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"The copy was dropped; database {target} was not changed.", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, await FingerprintAsync(ConnectionStringFor(target)));
        Assert.Equal([target], await DatabasesStartingWithAsync(target));
        Assert.Equal("off", await ScalarAsync<string>(ConnectionStringFor(target), "SHOW timescaledb.restoring"));
    }

    private static async Task WaitForAsync(NpgsqlConnection admin, string sql, string staging, Task restore)
    {
        await using var command = new NpgsqlCommand(sql, admin);
        command.Parameters.AddWithValue("staging", staging);
        for (var attempt = 0; (long)(await command.ExecuteScalarAsync(Ct))! == 0; attempt++)
        {
            Assert.False(restore.IsCompleted, $"the restore ended before this was seen: {sql}");
            Assert.True(attempt < 3000, $"not seen within 60 s: {sql}");
            await Task.Delay(20, Ct);
        }
    }
}
