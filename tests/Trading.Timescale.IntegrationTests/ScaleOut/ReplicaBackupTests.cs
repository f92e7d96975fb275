using Npgsql;
using Trading.Timescale.IntegrationTests.Ingest;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.ScaleOut;

/// <summary>Backups and restores through a multi-host connection string run on the primary, whichever host comes first.</summary>
public sealed class ReplicaBackupTests(ReplicatedServerFixture fixture) : IClassFixture<ReplicatedServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backup_through_a_string_listing_the_standby_first_dumps_and_restores_on_the_primary()
    {
        var (database, multiHost) = await fixture.CreateTradingDatabaseAsync("backup_hosts", Ct);
        await using (var trading = TradingDatabase.Create(multiHost))
        {
            // Recent bars: the servers' retention jobs may run during the test.
            await trading.Ingest.AppendAsync(MarketData.Bars(120, 3, NodaTime.SystemClock.Instance.GetCurrentInstant() - NodaTime.Duration.FromHours(3)), cancellationToken: Ct);
        }

        await fixture.Standby.WaitForReplayAsync(Ct);
        var primaryPort = new NpgsqlConnectionStringBuilder(fixture.Primary.ConnectionString).Port;
        var standbyFirst = new NpgsqlConnectionStringBuilder(multiHost) { Host = $"127.0.0.1:{fixture.Standby.Port},127.0.0.1:{primaryPort}" };
        Assert.Equal((fixture.Standby.Port, true), await ServerIdentity.OfAsync(standbyFirst.ConnectionString, Ct));

        var directory = Directory.CreateTempSubdirectory("trading-replica-backup-").FullName;
        try
        {
            var backups = new TradingBackups(standbyFirst.ConnectionString);
            var backup = await backups.BackupAsync(new BackupRequest(BackupKind.Full, directory), cancellationToken: Ct);
            Assert.Equal(120, backup.Manifest.Tables.Single(t => t.Name == "trading.stock_prices").Rows);

            var target = database.Name + "_restored";
            await backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
            var onPrimary = new NpgsqlConnectionStringBuilder(fixture.Primary.ConnectionString) { Database = target, Pooling = false };
            await using var connection = new NpgsqlConnection(onPrimary.ConnectionString);
            await connection.OpenAsync(Ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM trading.stock_prices", connection);
            Assert.Equal(120L, await count.ExecuteScalarAsync(Ct));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
