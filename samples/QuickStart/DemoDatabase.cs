using System.Globalization;
using Npgsql;
using Trading.Timescale;

namespace QuickStart;

/// <summary>
/// Where the demo may write. By default only into a throwaway server it starts. A database named with
/// <c>--database-url</c> or <c>--connection-file</c> must be empty, or marked as the demo's by an earlier run: the demo
/// marks a database it takes with <c>COMMENT ON DATABASE ... IS '<see cref="Marker"/>'</c>, and on each later run drops
/// and re-creates the <c>trading</c> schema there. Every other database is refused before anything is written.
/// </summary>
internal static class DemoDatabase
{
    /// <summary>The comment that marks a database as the demo's.</summary>
    public const string Marker = "Trading.Timescale quick start demo database: ./build.sh demo drops and re-creates its trading schema on every run.";

    /// <summary>The variables the library reads for a connection; the demo reports them as ignored.</summary>
    public static IReadOnlyList<string> ConnectionVariables { get; } =
        [TradingConnectionString.EnvironmentVariable, "DATABASE_URL", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"];

    /// <summary>The connection variables that are set, which the demo does not use.</summary>
    public static IReadOnlyList<string> IgnoredVariables(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        return [.. ConnectionVariables.Where(v => !string.IsNullOrWhiteSpace(getVariable(v)))];
    }

    /// <summary><c>host:port/database as user</c>: what a message may say about a connection, never its password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username} as {builder.Username ?? "(default user)"}");
    }

    /// <summary>
    /// Takes the database for the demo, or refuses it. An empty database is marked; a marked one gets its
    /// <c>trading</c> schema dropped. Returns what was done, for the console.
    /// </summary>
    /// <exception cref="DemoDatabaseRefusedException">The database holds tables the demo did not create.</exception>
    public static async Task<string> ClaimAsync(NpgsqlDataSource dataSource, string where, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        string database;
        string? comment;
        await using (var command = new NpgsqlCommand(
            "SELECT current_database(), shobj_description(d.oid, 'pg_database') FROM pg_database d WHERE d.datname = current_database()", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            database = reader.GetString(0);
            comment = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        var tables = await UserTablesAsync(connection, ct);
        var marked = comment == Marker;
        var foreign = marked ? tables.Where(t => t.Schema != "trading").ToList() : tables;
        if (foreign.Count > 0)
        {
            var filled = await TablesWithRowsAsync(connection, foreign, ct);
            throw new DemoDatabaseRefusedException(
                $"refusing to write into {where}: it holds data the demo did not create ({Summary(foreign, filled)}). " +
                "The demo writes only into an empty database or one it marked as its own; run it without --database-url to use a throwaway server.");
        }

        if (!marked && comment is not null)
        {
            throw new DemoDatabaseRefusedException(
                $"refusing to write into {where}: it has no tables, but its comment (COMMENT ON DATABASE) is not the demo's, so it belongs to someone. " +
                "Create an empty database for the demo, or run it without --database-url to use a throwaway server.");
        }

        if (marked)
        {
            await using var drop = new NpgsqlCommand("DROP SCHEMA IF EXISTS trading CASCADE", connection);
            await drop.ExecuteNonQueryAsync(ct);
            return $"{where} is the demo's (its COMMENT ON DATABASE says so): the trading schema from the last run was dropped.";
        }

        // COMMENT takes no parameters: the database name is quoted and the marker is a constant.
        await using (var mark = new NpgsqlCommand($"COMMENT ON DATABASE {Identifier(database)} IS '{Marker}'", connection))
        {
            try
            {
                await mark.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new DemoDatabaseRefusedException(
                    $"{where} is empty, but the demo cannot mark it as its own: COMMENT ON DATABASE needs the database's owner ({ex.MessageText}). Connect as its owner.");
            }
        }

        return $"{where} was empty: marked as the demo's with COMMENT ON DATABASE, so later runs may reuse it.";
    }

    /// <summary>Tables, views and foreign tables outside the system and TimescaleDB's own schemas that no extension owns.</summary>
    private static async Task<List<(string Schema, string Name, bool Readable)>> UserTablesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, c.relname, c.relkind IN ('r', 'p', 'm', 'f') AND has_table_privilege(c.oid, 'SELECT')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND n.nspname NOT IN ('information_schema', 'timescaledb_information', 'timescaledb_experimental')
              AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT LIKE '\_timescaledb\_%'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY 1, 2
            """;
        var tables = new List<(string, string, bool)>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tables.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        }

        return tables;
    }

    /// <summary>The first readable tables (at most 50) that hold at least one row.</summary>
    private static async Task<List<string>> TablesWithRowsAsync(NpgsqlConnection connection, IEnumerable<(string Schema, string Name, bool Readable)> tables, CancellationToken ct)
    {
        var filled = new List<string>();
        foreach (var (schema, name, _) in tables.Where(t => t.Readable).Take(50))
        {
            await using var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {Identifier(schema)}.{Identifier(name)})", connection);
            if ((bool)(await command.ExecuteScalarAsync(ct))!)
            {
                filled.Add($"{schema}.{name}");
            }
        }

        return filled;
    }

    private static string Summary(IReadOnlyList<(string Schema, string Name, bool Readable)> tables, IReadOnlyList<string> filled)
    {
        var schemas = string.Join(", ", tables.GroupBy(t => t.Schema).Select(g => $"schema {g.Key}: {g.Count()} {(g.Count() == 1 ? "table or view" : "tables and views")}"));
        return filled.Count == 0
            ? schemas + ", all empty"
            : $"{schemas}; rows in {string.Join(", ", filled.Take(8))}{(filled.Count > 8 ? $" and {filled.Count - 8} more" : string.Empty)}";
    }

    /// <summary>A quoted identifier; names come from the catalogue or the schema's closed set, quoted all the same.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>The named database is not one the demo may write into; the message says which and why.</summary>
internal sealed class DemoDatabaseRefusedException(string message) : Exception(message);
