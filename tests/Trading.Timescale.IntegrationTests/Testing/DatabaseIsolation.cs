using System.Collections.Concurrent;
using Npgsql;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>
/// Shared check for the two isolation test classes. They share a collection, so they run one after the other;
/// the ledger remembers which database each used, and the second one checks against the first.
/// </summary>
internal static class DatabaseIsolation
{
    public const string Collection = "Database isolation";

    private static readonly ConcurrentDictionary<string, string> Ledger = new(StringComparer.Ordinal);

    public static async Task VerifyAsync(string owner, NpgsqlDataSource dataSource, TimescaleTestDatabase database, TimescaleTestServer server, CancellationToken ct)
    {
        await using (var create = dataSource.CreateCommand($"CREATE TABLE isolation_{owner} (owner text NOT NULL); INSERT INTO isolation_{owner} VALUES ('{owner}')"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var current = dataSource.CreateCommand("SELECT current_database()"))
        {
            Assert.Equal(database.Name, await current.ExecuteScalarAsync(ct));
        }

        await using (var rows = dataSource.CreateCommand($"SELECT string_agg(owner, ',') FROM isolation_{owner}"))
        {
            Assert.Equal(owner, await rows.ExecuteScalarAsync(ct));
        }

        foreach (var (otherOwner, otherDatabase) in Ledger)
        {
            Assert.NotEqual(otherDatabase, database.Name);
            await using (var visible = dataSource.CreateCommand($"SELECT to_regclass('isolation_{otherOwner}') IS NOT NULL"))
            {
                Assert.False((bool)(await visible.ExecuteScalarAsync(ct))!, $"the table of {otherOwner} is visible in {database.Name}");
            }

            // The other class's database was dropped when that class finished.
            await using var admin = new NpgsqlConnection(server.ConnectionString);
            await admin.OpenAsync(ct);
            await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = otherDatabase } } };
            Assert.Equal(0L, await exists.ExecuteScalarAsync(ct));
        }

        Assert.True(Ledger.TryAdd(owner, database.Name));
    }
}
