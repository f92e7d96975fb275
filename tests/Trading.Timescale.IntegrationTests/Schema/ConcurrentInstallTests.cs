using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;
using Trading.Timescale.Schema.Internal;

namespace Trading.Timescale.IntegrationTests.Schema;

public sealed class ConcurrentInstallTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eight_installers_at_once_on_an_empty_database_all_succeed_and_each_file_is_applied_once()
    {
        // Start from a database without the extension, so CREATE EXTENSION races too.
        await using (var connection = new NpgsqlConnection(Database.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var drop = new NpgsqlCommand("DROP EXTENSION timescaledb", connection);
            await drop.ExecuteNonQueryAsync(Ct);
        }

        var dataSources = Enumerable.Range(0, 8).Select(_ => NpgsqlDataSource.Create(Database.ConnectionString)).ToList();
        try
        {
            var reports = await Task.WhenAll(dataSources.Select(ds => new TradingSchemaInstaller(ds, new TradingTimescaleOptions()).MigrateAsync(Ct)));

            var expected = (await new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions()).GetStatusAsync(Ct)).Migrations.Select(m => m.Id).ToList();
            Assert.Single(reports, r => r.Applied.Count > 0);
            Assert.Equal(expected, reports.Single(r => r.Applied.Count > 0).Applied.Select(a => a.Id));
            Assert.Single(reports, r => r.ExtensionCreated);
            Assert.Equal(7, reports.Count(r => r.Applied.Count == 0));

            await using var command = DataSource.CreateCommand("SELECT id, count(*) FROM trading.schema_migrations GROUP BY id ORDER BY id");
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var rows = new List<(string Id, long Count)>();
            while (await reader.ReadAsync(Ct))
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            Assert.Equal(expected, rows.Select(r => r.Id));
            Assert.All(rows, r => Assert.Equal(1, r.Count));
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Waiting_for_a_held_lock_can_be_cancelled_and_times_out_with_a_clear_message()
    {
        await using var holder = await DataSource.OpenConnectionAsync(Ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SchemaLock.Key})", holder))
        {
            await take.ExecuteNonQueryAsync(Ct);
        }

        await using var other = NpgsqlDataSource.Create(Database.ConnectionString);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(400));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new TradingSchemaInstaller(other, new TradingTimescaleOptions()).MigrateAsync(cancel.Token));

        var timedOut = new TradingSchemaInstaller(other, new TradingTimescaleOptions { LockTimeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Assert.ThrowsAsync<TradingSchemaException>(() => timedOut.MigrateAsync(Ct));
        Assert.Contains("TradingTimescale:LockTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"process {holder.ProcessID}", ex.Message, StringComparison.Ordinal);

        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SchemaLock.Key})", holder))
        {
            await release.ExecuteNonQueryAsync(Ct);
        }

        var report = await new TradingSchemaInstaller(other, new TradingTimescaleOptions()).MigrateAsync(Ct);
        Assert.NotEmpty(report.Applied);
    }
}
