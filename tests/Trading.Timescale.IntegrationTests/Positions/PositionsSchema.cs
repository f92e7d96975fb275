using Npgsql;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Positions;

/// <summary>
/// Installs the schema for the position tests: the embedded schema/migrations/*.sql of Trading.Timescale in order, after
/// the installer's chunk interval settings, then the two latest-price tables the position book reads (created here,
/// minimal, until the migration that owns them is present).
/// </summary>
internal static class PositionsSchema
{
    private const string ResourcePrefix = "Trading.Timescale.Schema.migrations";

    private static readonly (string Name, string Value)[] Settings =
    [
        ("exchange_time_zone", "America/New_York"),
        ("chunk_interval_stock_prices", "1 day"),
        ("chunk_interval_options_data", "1 day"),
        ("chunk_interval_signals", "1 day"),
        ("chunk_interval_performance_metrics", "7 days"),
        ("chunk_interval_data_quality", "1 day"),
        ("chunk_interval_system_events", "1 day"),
    ];

    private const string LatestTables =
        """
        CREATE TABLE IF NOT EXISTS trading.latest_stock_prices (
            symbol VARCHAR(10) PRIMARY KEY,
            timestamp TIMESTAMPTZ NOT NULL,
            close_price DECIMAL(12,4)
        );
        CREATE TABLE IF NOT EXISTS trading.latest_option_quotes (
            option_symbol VARCHAR(50) PRIMARY KEY,
            underlying_symbol VARCHAR(10) NOT NULL,
            timestamp TIMESTAMPTZ NOT NULL,
            bid_price DECIMAL(12,4),
            ask_price DECIMAL(12,4),
            last_price DECIMAL(12,4)
        );
        """;

    public static async Task InstallAsync(NpgsqlDataSource dataSource, TimescaleEdition edition, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var settings = Settings.Append(("edition", edition == TimescaleEdition.Community ? "community" : "apache"));
        foreach (var (name, value) in settings)
        {
            await using var set = new NpgsqlCommand("SELECT set_config($1, $2, false)", connection);
            set.Parameters.AddWithValue($"trading_timescale.{name}");
            set.Parameters.AddWithValue(value);
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var sql in Migrations(edition))
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var latest = new NpgsqlCommand(LatestTables, connection);
        await latest.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Per migration id, the file for the edition (<c>NNNN_name.apache.sql</c>) or else the plain one, in id order.</summary>
    private static IEnumerable<string> Migrations(TimescaleEdition edition)
    {
        var assembly = typeof(TimescaleServerInfo).Assembly;
        var variant = edition == TimescaleEdition.Community ? "community" : "apache";
        var files = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (Resource: name, File: name[(ResourcePrefix.Length + 1)..]))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var group in files.GroupBy(f => f.File.Split('.')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var chosen = group.FirstOrDefault(f => f.File == $"{group.Key}.{variant}.sql").Resource
                ?? group.FirstOrDefault(f => f.File == $"{group.Key}.sql").Resource;
            if (chosen is null)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(chosen)!;
            using var reader = new StreamReader(stream);
            yield return reader.ReadToEnd();
        }
    }
}
