using System.Security.Cryptography;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Operations;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Schema;

/// <summary>The application role tries every way it has to change a kept CRITICAL event; the first version stays.</summary>
public sealed class CriticalEventTamperTests(TimescaleServerFixture server) : OperationsTest(server)
{
    private readonly string _suffix = RandomNumberGenerator.GetHexString(8, lowercase: true);
    private readonly string _password = "App-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    private string App => "tamper_app_" + _suffix;

    private string Analytics => "tamper_analytics_" + _suffix;

    private async Task<NpgsqlConnection> OpenAppAsync()
    {
        await Trading.Operations.ApplyRolesAsync(new TradingRoles { AnalyticsUser = Analytics, AnalyticsPassword = _password, AppUser = App, AppPassword = _password }, Ct);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = App, Password = _password, Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task<object?> RunAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    private Task<string> KeptAsync(long id) =>
        ScalarAsync<string>("SELECT string_agg(event_type || '|' || source || '|' || message || '|' || coalesce(details::text, '-'), ' / ') FROM trading.system_events_critical WHERE id = $1", id);

    [Fact]
    public async Task The_application_role_cannot_change_a_kept_critical_event()
    {
        await using var app = await OpenAppAsync();
        var id = (long)(await RunAsync(app, """
            INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
            VALUES ('halt', 'CRITICAL', 'risk', 'trading halted: loss limit', '2026-11-30 15:00:00+00') RETURNING id
            """))!;
        const string original = "halt|risk|trading halted: loss limit|-";
        Assert.Equal(original, await KeptAsync(id));

        // 1. An UPDATE of the source row, which the application may do, leaving it CRITICAL: the copy trigger fires.
        await RunAsync(app, $"UPDATE trading.system_events SET message = 'all normal', details = '{{\"forged\": true}}' WHERE id = {id}");
        Assert.Equal(original, await KeptAsync(id));

        // 2. An UPDATE or an upsert of the kept table itself.
        var update = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(app, $"UPDATE trading.system_events_critical SET message = 'all normal' WHERE id = {id}"));
        var upsert = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(app, $"""
            INSERT INTO trading.system_events_critical (id, event_type, severity, source, message, timestamp)
            VALUES ({id}, 'halt', 'CRITICAL', 'risk', 'all normal', '2026-11-30 15:00:00+00')
            ON CONFLICT (id, timestamp) DO UPDATE SET message = EXCLUDED.message
            """));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(app, $"DELETE FROM trading.system_events_critical WHERE id = {id}"));
        Assert.All(new[] { update, upsert, delete }, e => Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState));

        // 3. The source row is gone (retention dropped its chunk); the application writes a new row with the same id and time.
        await ExecuteAsync($"DELETE FROM trading.system_events WHERE id = {id}");
        await RunAsync(app, $"""
            INSERT INTO trading.system_events (id, event_type, severity, source, message, timestamp)
            VALUES ({id}, 'halt', 'CRITICAL', 'risk', 'no halt happened', '2026-11-30 15:00:00+00')
            """);
        Assert.Equal(original, await KeptAsync(id));

        // 4. Another CRITICAL row moved onto the kept event's id and time by UPDATE.
        var other = (long)(await RunAsync(app, """
            INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
            VALUES ('note', 'INFO', 'risk', 'harmless', '2026-11-30 16:00:00+00') RETURNING id
            """))!;
        await ExecuteAsync($"DELETE FROM trading.system_events WHERE id = {id}");
        await RunAsync(app, $"UPDATE trading.system_events SET id = {id}, timestamp = '2026-11-30 15:00:00+00', severity = 'CRITICAL', message = 'rewritten' WHERE id = {other}");

        Assert.Equal(original, await KeptAsync(id));
    }

    [Fact]
    public async Task An_update_of_the_kept_table_is_refused_for_every_role()
    {
        await ExecuteAsync("""
            INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
            VALUES ('halt', 'CRITICAL', 'risk', 'kept', '2026-11-30 15:00:00+00')
            """);

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("UPDATE trading.system_events_critical SET message = 'changed'"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("a kept event is never updated", error.MessageText, StringComparison.Ordinal);
        Assert.Equal("kept", await ScalarAsync<string>("SELECT string_agg(message, '|') FROM trading.system_events_critical"));
    }

    public override async ValueTask DisposeAsync()
    {
        await TestRoles.DropAsync(Database.ConnectionString, [Analytics, App]);

        await base.DisposeAsync();
    }
}
