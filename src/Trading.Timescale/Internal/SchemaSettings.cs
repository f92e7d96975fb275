using Trading.Timescale.Schema;

namespace Trading.Timescale.Internal;

/// <summary>
/// One setting the schema files read as <c>trading_timescale.NAME</c> and the database keeps in <c>trading.settings</c>.
/// </summary>
/// <param name="Path">Its configuration path below the <c>TradingTimescale</c> section, for example <c>Retention:StockPrices</c>.</param>
/// <param name="Name">Its name in <c>trading.settings</c>, for example <c>retention_stock_prices</c>.</param>
/// <param name="Default">The value a new database is installed with when the option is not set.</param>
/// <param name="Read">The configured value, or <see langword="null"/> when the option is not set.</param>
/// <param name="Write">Sets the option to a value.</param>
/// <param name="RetainedTable">For a retention setting, the table whose rows a shorter value drops.</param>
internal sealed record SchemaSetting(
    string Path,
    string Name,
    string Default,
    Func<TradingTimescaleOptions, string?> Read,
    Action<TradingTimescaleOptions, string> Write,
    string? RetainedTable = null)
{
    public bool IsInterval => Name != SchemaSettings.ExchangeTimeZoneName;

    /// <summary>Whether two values mean the same: equal intervals, or equal text.</summary>
    public bool Same(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal) ||
        (IsInterval && TimescaleInterval.TryParse(a, out var x) && TimescaleInterval.TryParse(b, out var y) && x == y);

    /// <summary>Whether changing <paramref name="from"/> to <paramref name="to"/> makes the retention drop rows it keeps today.</summary>
    public bool RemovesData(string from, string to) =>
        RetainedTable is not null && TimescaleInterval.TryParse(from, out var old) && TimescaleInterval.TryParse(to, out var @new) && @new < old;
}

/// <summary>
/// The settings of the trading schema: one list with each setting's configuration path, name in the database and
/// default. The database keeps the values it was installed with; options only say what a caller wants to change.
/// </summary>
internal static class SchemaSettings
{
    public const string Prefix = "trading_timescale.";
    public const string EditionSettingName = "edition";
    public const string ExchangeTimeZoneName = "exchange_time_zone";
    public const string DefaultExchangeTimeZone = "America/New_York";

    /// <summary>Every setting, in the order the schema files list them.</summary>
    public static IReadOnlyList<SchemaSetting> All { get; } = Build();

    /// <summary>The setting at a configuration path (case-insensitive), or null.</summary>
    public static SchemaSetting? FindByPath(string path) =>
        All.FirstOrDefault(s => string.Equals(s.Path, path, StringComparison.OrdinalIgnoreCase));

    /// <summary>The values the options set explicitly, by setting name.</summary>
    public static Dictionary<string, string> Configured(TradingTimescaleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in All)
        {
            if (setting.Read(options) is { } value)
            {
                configured[setting.Name] = value;
            }
        }

        return configured;
    }

    /// <summary>The configured value of each setting, else its default, by setting name.</summary>
    public static Dictionary<string, string> ConfiguredOrDefault(TradingTimescaleOptions options) =>
        All.ToDictionary(s => s.Name, s => s.Read(options) ?? s.Default, StringComparer.Ordinal);

    /// <summary>Options with every setting set from <paramref name="values"/> (missing names keep their defaults).</summary>
    public static TradingTimescaleOptions ToOptions(IReadOnlyDictionary<string, string> values)
    {
        var options = new TradingTimescaleOptions();
        foreach (var setting in All)
        {
            setting.Write(options, values.TryGetValue(setting.Name, out var value) ? value : setting.Default);
        }

        return options;
    }

    /// <summary>The session settings, full names (<c>trading_timescale.x</c>) and values, in a fixed order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForSession(IReadOnlyDictionary<string, string> values, TimescaleEdition edition)
    {
        var settings = new List<KeyValuePair<string, string>> { new(Prefix + EditionSettingName, EditionName(edition)) };
        foreach (var setting in All)
        {
            settings.Add(new(Prefix + setting.Name, values.TryGetValue(setting.Name, out var value) ? value : setting.Default));
        }

        return settings;
    }

    /// <summary>The session settings for a new database with these options: each configured value, else its default.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> From(TradingTimescaleOptions options, TimescaleEdition edition) =>
        ForSession(ConfiguredOrDefault(options), edition);

    public static string EditionName(TimescaleEdition edition) => edition switch
    {
        TimescaleEdition.Community => "community",
        TimescaleEdition.Apache => "apache",
        _ => throw new ArgumentOutOfRangeException(nameof(edition), edition, "The schema applies to the community or the apache edition only."),
    };

    private static List<SchemaSetting> Build()
    {
        var all = new List<SchemaSetting>
        {
            new("ExchangeTimeZone", ExchangeTimeZoneName, DefaultExchangeTimeZone, o => o.ExchangeTimeZone, (o, v) => o.ExchangeTimeZone = v),
            Interval("ChunkIntervals:StockPrices", "chunk_interval_stock_prices", "1 day", o => o.ChunkIntervals.StockPrices, (o, v) => o.ChunkIntervals.StockPrices = v),
            Interval("ChunkIntervals:OptionsData", "chunk_interval_options_data", "1 day", o => o.ChunkIntervals.OptionsData, (o, v) => o.ChunkIntervals.OptionsData = v),
            Interval("ChunkIntervals:Signals", "chunk_interval_signals", "1 day", o => o.ChunkIntervals.Signals, (o, v) => o.ChunkIntervals.Signals = v),
            Interval("ChunkIntervals:PerformanceMetrics", "chunk_interval_performance_metrics", "7 days", o => o.ChunkIntervals.PerformanceMetrics, (o, v) => o.ChunkIntervals.PerformanceMetrics = v),
            Interval("ChunkIntervals:DataQuality", "chunk_interval_data_quality", "1 day", o => o.ChunkIntervals.DataQuality, (o, v) => o.ChunkIntervals.DataQuality = v),
            Interval("ChunkIntervals:SystemEvents", "chunk_interval_system_events", "1 day", o => o.ChunkIntervals.SystemEvents, (o, v) => o.ChunkIntervals.SystemEvents = v),
            Interval("CompressAfter", "compress_after", "7 days", o => o.CompressAfter, (o, v) => o.CompressAfter = v),
            Retention("StockPrices", "stock_prices", "90 days", o => o.Retention.StockPrices, (o, v) => o.Retention.StockPrices = v),
            Retention("OptionsData", "options_data", "60 days", o => o.Retention.OptionsData, (o, v) => o.Retention.OptionsData = v),
            Retention("Signals", "signals", "1 year", o => o.Retention.Signals, (o, v) => o.Retention.Signals = v),
            Retention("PerformanceMetrics", "performance_metrics", "2 years", o => o.Retention.PerformanceMetrics, (o, v) => o.Retention.PerformanceMetrics = v),
            Retention("DataQuality", "data_quality", "90 days", o => o.Retention.DataQuality, (o, v) => o.Retention.DataQuality = v),
            Retention("SystemEvents", "system_events", "3 months", o => o.Retention.SystemEvents, (o, v) => o.Retention.SystemEvents = v),
            Retention("SystemEventsCritical", "system_events_critical", "2 years", o => o.Retention.SystemEventsCritical, (o, v) => o.Retention.SystemEventsCritical = v),
        };
        foreach (var aggregate in AggregateCatalog.All)
        {
            var path = "Refresh:" + aggregate.OptionName;
            var name = "refresh_" + aggregate.Name;
            var defaults = aggregate.DefaultPolicy;
            all.Add(Interval(path + ":StartOffset", name + "_start_offset", defaults.StartOffset, o => aggregate.Policy(o.Refresh).StartOffset, (o, v) => aggregate.Policy(o.Refresh).StartOffset = v));
            all.Add(Interval(path + ":EndOffset", name + "_end_offset", defaults.EndOffset, o => aggregate.Policy(o.Refresh).EndOffset, (o, v) => aggregate.Policy(o.Refresh).EndOffset = v));
            all.Add(Interval(path + ":Schedule", name + "_schedule", defaults.Schedule, o => aggregate.Policy(o.Refresh).Schedule, (o, v) => aggregate.Policy(o.Refresh).Schedule = v));
        }

        return all;
    }

    private static SchemaSetting Interval(string path, string name, string defaultValue, Func<TradingTimescaleOptions, TimescaleInterval?> read, Action<TradingTimescaleOptions, TimescaleInterval> write, string? table = null) =>
        new(path, name, TimescaleInterval.Parse(defaultValue).ToString(), o => read(o)?.ToString(), (o, v) => write(o, TimescaleInterval.Parse(v)), table);

    private static SchemaSetting Retention(string option, string table, string defaultValue, Func<TradingTimescaleOptions, TimescaleInterval?> read, Action<TradingTimescaleOptions, TimescaleInterval> write) =>
        Interval("Retention:" + option, "retention_" + table, defaultValue, read, write, table);
}
