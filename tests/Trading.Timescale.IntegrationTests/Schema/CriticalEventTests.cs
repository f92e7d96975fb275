using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Schema;

/// <summary>Every CRITICAL event reaches trading.system_events_critical, whatever path wrote it.</summary>
public sealed class CriticalEventTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Critical_event_written_with_replica_replication_role_is_copied()
    {
        await new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions()).MigrateAsync(Ct);

        // Logical replication and some restores write with session_replication_role = replica, which skips ordinary triggers.
        await using (var connection = await DataSource.OpenConnectionAsync(Ct))
        {
            await using var replica = connection.CreateCommand();
            replica.CommandText = """
                SET session_replication_role = replica;
                INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
                VALUES ('replicated', 'CRITICAL', 'broker', 'orders halted on the primary', now()),
                       ('heartbeat', 'INFO', 'broker', 'heartbeat', now());
                UPDATE trading.system_events SET message = 'orders halted, then resumed' WHERE message = 'orders halted on the primary';
                RESET session_replication_role;
                """;
            await replica.ExecuteNonQueryAsync(Ct);
        }

        await using var copies = DataSource.CreateCommand("SELECT string_agg(source || ':' || message, '|') FROM trading.system_events_critical");
        Assert.Equal("broker:orders halted on the primary", await copies.ExecuteScalarAsync(Ct)); // the first version is kept
        await using var triggers = DataSource.CreateCommand("""
            SELECT string_agg(tgname || ':' || tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger
            WHERE tgrelid = 'trading.system_events'::regclass AND NOT tgisinternal AND tgname LIKE 'system_events_copy_critical%'
            """);
        Assert.Equal("system_events_copy_critical_inserts:A system_events_copy_critical_updates:A", await triggers.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task System_events_retention_job_copies_an_uncopied_critical_event_before_it_drops_the_chunk()
    {
        RequireCommunityEdition("The system_events retention job");
        await new TradingSchemaInstaller(DataSource, new TradingTimescaleOptions()).MigrateAsync(Ct);
        await using (var old = DataSource.CreateCommand("""
            INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
            VALUES ('outage', 'CRITICAL', 'broker', 'copy lost', date_trunc('day', now()) - interval '200 days' + interval '10 hours'),
                   ('heartbeat', 'INFO', 'broker', 'old heartbeat', date_trunc('day', now()) - interval '200 days' + interval '11 hours');
            DELETE FROM trading.system_events_critical WHERE message = 'copy lost';
            """))
        {
            await old.ExecuteNonQueryAsync(Ct);
        }

        await using (var job = DataSource.CreateCommand(
            "SELECT job_id FROM timescaledb_information.jobs WHERE proc_schema = 'trading' AND proc_name = 'system_events_retention'"))
        {
            var id = (int)(await job.ExecuteScalarAsync(Ct))!;
            await using var run = DataSource.CreateCommand($"CALL run_job({id})");
            await run.ExecuteNonQueryAsync(Ct);
        }

        await using var left = DataSource.CreateCommand("SELECT count(*) FROM trading.system_events WHERE timestamp < now() - interval '3 months'");
        Assert.Equal(0L, await left.ExecuteScalarAsync(Ct));
        await using var copy = DataSource.CreateCommand("SELECT string_agg(source || ':' || message, '|') FROM trading.system_events_critical");
        Assert.Equal("broker:copy lost", await copy.ExecuteScalarAsync(Ct));
    }
}
