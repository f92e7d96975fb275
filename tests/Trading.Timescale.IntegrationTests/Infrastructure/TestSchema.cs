using System.Reflection;
using System.Text;
using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>
/// Installs the schema for tests: runs the embedded <c>schema/migrations/*.sql</c> resources of Trading.Timescale in
/// order (the plain file, or the variant for the server's edition), after setting the <c>trading_timescale.*</c>
/// settings to their documented defaults.
/// </summary>
public static class TestSchema
{
    private const string ResourcePrefix = "Trading.Timescale.Schema.migrations";

    /// <summary>The installer settings and their defaults (schema/README.md), without <c>edition</c>.</summary>
    public static IReadOnlyDictionary<string, string> DefaultSettings { get; } = BuildDefaults();

    public static async Task InstallAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var info = await TimescaleServerInfo.DetectAsync(connection, cancellationToken);
        var settings = new Dictionary<string, string>(DefaultSettings)
        {
            ["edition"] = info.Edition == TimescaleEdition.Community ? "community" : "apache",
        };
        foreach (var (name, value) in settings)
        {
            await using var set = new NpgsqlCommand("SELECT set_config($1, $2, false)", connection);
            set.Parameters.AddWithValue("trading_timescale." + name);
            set.Parameters.AddWithValue(value);
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var sql in Migrations(info.Edition))
        {
            if (sql.StartsWith("-- trading:no-transaction", StringComparison.Ordinal))
            {
                foreach (var statement in SplitStatements(sql))
                {
                    await using var command = new NpgsqlCommand(statement, connection) { CommandTimeout = 0 };
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 })
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The migration texts in id order, each the edition's variant or else the plain file.</summary>
    public static IReadOnlyList<string> Migrations(TimescaleEdition edition)
    {
        var assembly = typeof(TradingIngest).Assembly;
        var chosen = new SortedDictionary<string, (int Rank, string Resource)>(StringComparer.Ordinal);
        var variant = edition == TimescaleEdition.Community ? ".community" : ".apache";
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[(ResourcePrefix.Length + 1)..^".sql".Length];
            var dot = file.IndexOf('.', StringComparison.Ordinal);
            var id = dot < 0 ? file : file[..dot];
            var suffix = dot < 0 ? string.Empty : file[dot..];
            var rank = suffix.Length == 0 ? 1 : suffix == variant ? 2 : 0;
            if (rank > 0 && (!chosen.TryGetValue(id, out var current) || current.Rank < rank))
            {
                chosen[id] = (rank, resource);
            }
        }

        return chosen.Values.Select(v => Read(assembly, v.Resource)).ToList();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>Splits SQL at semicolons outside quotes, dollar-quoted bodies and comments.</summary>
    internal static IEnumerable<string> SplitStatements(string sql)
    {
        var start = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                i = sql.IndexOf('\n', i) is var end && end < 0 ? sql.Length : end;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                i = sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end && end < 0 ? sql.Length : end + 2;
            }
            else if (c is '\'' or '"')
            {
                i = sql.IndexOf(c, i + 1) is var end && end < 0 ? sql.Length : end + 1;
            }
            else if (c == '$' && sql.IndexOf('$', i + 1) is var tagEnd && tagEnd > i && sql[(i + 1)..tagEnd].All(ch => char.IsLetterOrDigit(ch) || ch == '_'))
            {
                var tag = sql[i..(tagEnd + 1)];
                i = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal) is var end && end < 0 ? sql.Length : end + tag.Length;
            }
            else if (c == ';')
            {
                var statement = sql[start..i].Trim();
                if (statement.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
                {
                    yield return statement;
                }

                start = ++i;
            }
            else
            {
                i++;
            }
        }

        var last = sql[start..].Trim();
        if (last.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
        {
            yield return last;
        }
    }

    private static Dictionary<string, string> BuildDefaults()
    {
        var settings = new Dictionary<string, string>
        {
            ["exchange_time_zone"] = "America/New_York",
            ["chunk_interval_stock_prices"] = "1 day",
            ["chunk_interval_options_data"] = "1 day",
            ["chunk_interval_signals"] = "1 day",
            ["chunk_interval_performance_metrics"] = "7 days",
            ["chunk_interval_data_quality"] = "1 day",
            ["chunk_interval_system_events"] = "1 day",
            ["compress_after"] = "7 days",
            ["retention_stock_prices"] = "90 days",
            ["retention_options_data"] = "60 days",
            ["retention_signals"] = "1 year",
            ["retention_performance_metrics"] = "2 years",
            ["retention_data_quality"] = "90 days",
            ["retention_system_events"] = "3 months",
            ["retention_system_events_critical"] = "2 years",
        };
        (string Aggregate, string Start, string End, string Schedule)[] refresh =
        [
            ("stock_prices_1m", "3 hours", "1 minute", "1 minute"),
            ("stock_prices_5m", "6 hours", "5 minutes", "5 minutes"),
            ("stock_prices_1h", "3 days", "1 hour", "30 minutes"),
            ("stock_prices_1d", "10 days", "1 hour", "1 hour"),
            ("options_volume_1h", "3 days", "1 hour", "30 minutes"),
            ("signal_performance_1d", "10 days", "1 hour", "1 hour"),
        ];
        foreach (var (aggregate, start, end, schedule) in refresh)
        {
            settings[$"refresh_{aggregate}_start_offset"] = start;
            settings[$"refresh_{aggregate}_end_offset"] = end;
            settings[$"refresh_{aggregate}_schedule"] = schedule;
        }

        return settings;
    }
}
