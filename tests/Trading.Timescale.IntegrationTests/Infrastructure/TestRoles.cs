using Npgsql;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>Login roles a test created: roles are cluster-wide, so each test drops its own.</summary>
public static class TestRoles
{
    /// <summary>Drops each role that exists, after what it owns and was granted in the connection's database (and on shared objects).</summary>
    public static async Task DropAsync(string connectionString, IEnumerable<string> roles)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        foreach (var role in roles)
        {
            var quoted = "\"" + role.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = role });
            if ((bool)(await exists.ExecuteScalarAsync())!)
            {
                await using var drop = new NpgsqlCommand($"DROP OWNED BY {quoted}; DROP ROLE {quoted}", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }
}
