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
        Description = "The exchange's tz database time zone (TradingTimescale:ExchangeTimeZone). Default: America/New_York.",
    };

    /// <summary>Creates a repeatable <c>--set Path=Value</c> option for any TradingTimescale setting.</summary>
    public static Option<string[]> Settings() => new("--set")
    {
        Description = "Sets an option by its configuration path below TradingTimescale, e.g. --set \"Retention:StockPrices=120 days\". Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };
}
