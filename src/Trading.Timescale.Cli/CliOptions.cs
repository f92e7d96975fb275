using System.CommandLine;

namespace Trading.Timescale.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CliOptions
{
    public static Option<string?> Connection { get; } = new("--connection", "-c")
    {
        Description = "An Npgsql connection string or postgresql:// URL. Other users of the machine can read a process's arguments: " +
            "give a password through --connection-file or the environment instead. " +
            "Default: TRADING_TIMESCALE_CONNECTION, else DATABASE_URL, else DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD.",
        Recursive = true,
    };

    public static Option<string?> ConnectionFile { get; } = new("--connection-file")
    {
        Description = "Reads the connection string or postgresql:// URL from this file, or from standard input with -, " +
            "so that the password stays out of the process's arguments.",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON to standard output instead of tables, for scripts.",
        Recursive = true,
    };

    /// <summary>Creates a <c>--time-zone</c> option (each command that takes it adds its own instance).</summary>
    public static Option<string?> TimeZone() => new("--time-zone")
    {
        Description = "The exchange's tz database time zone (ExchangeTimeZone) a new database is installed with; fixed afterwards. Default: America/New_York.",
    };

    /// <summary>Creates <c>--yes</c>: confirms a settings change that removes data.</summary>
    public static Option<bool> Yes() => new("--yes")
    {
        Description = "Confirms a --set that removes data: a retention shorter than the database's, so the next retention run drops rows kept today.",
    };

    /// <summary>Creates a repeatable <c>--set Path=Value</c> option for any TradingTimescale setting.</summary>
    public static Option<string[]> Settings() => new("--set")
    {
        Description = "Changes a setting on purpose, by its configuration path below TradingTimescale, e.g. --set \"Retention:StockPrices=120 days\"; each change is printed as old -> new. Without --set the database keeps the settings it was installed with. Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };
}
