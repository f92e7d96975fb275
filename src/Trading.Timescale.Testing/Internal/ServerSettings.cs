using System.Text.RegularExpressions;

namespace Trading.Timescale.Testing.Internal;

/// <summary>The server settings a container or local cluster starts with: fast and throwaway, plus the user's own.</summary>
internal static partial class ServerSettings
{
    public static IReadOnlyList<KeyValuePair<string, string>> Build(TimescaleTestServerOptions options, bool preloadTimescaleDb, bool apacheOnly)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["max_connections"] = "200",
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
            ["max_worker_processes"] = "24",
            // A streaming standby can be cloned from the server (TimescaleTestServer.AddStandbyAsync).
            ["wal_level"] = "replica",
            ["max_wal_senders"] = "10",
            ["hot_standby"] = "on",
        };
        if (preloadTimescaleDb)
        {
            settings["shared_preload_libraries"] = "timescaledb";
            settings["timescaledb.telemetry_level"] = "off";
            settings["timescaledb.max_background_workers"] = "16";
        }

        if (apacheOnly)
        {
            // The build has no TSL module, so it can only run the Apache edition; saying so makes the edition
            // readable from every database, not only from those with the extension created.
            settings["timescaledb.license"] = "apache";
        }

        foreach (var (name, value) in options.ServerSettings)
        {
            if (!NamePattern().IsMatch(name))
            {
                throw new ArgumentException(
                    $"TimescaleTestServerOptions.ServerSettings has the invalid setting name '{name}'; use a postgresql.conf name such as work_mem.",
                    nameof(options));
            }

            settings[name] = value ?? throw new ArgumentException($"TimescaleTestServerOptions.ServerSettings['{name}'] is null.", nameof(options));
        }

        return [.. settings];
    }

    /// <summary>One <c>postgresql.conf</c> line.</summary>
    public static string ToConfigLine(KeyValuePair<string, string> setting) =>
        $"{setting.Key} = '{setting.Value.Replace("'", "''", StringComparison.Ordinal)}'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
