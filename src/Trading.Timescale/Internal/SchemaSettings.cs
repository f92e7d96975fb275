using Trading.Timescale.Schema;

namespace Trading.Timescale.Internal;

/// <summary>The <c>trading_timescale.*</c> session settings the schema files read, made from the options.</summary>
internal static class SchemaSettings
{
    public const string Prefix = "trading_timescale.";

    /// <summary>Every interval setting: its configuration path below the section, its SQL setting name, and its value.</summary>
    public static IEnumerable<(string Path, string Setting, TimescaleInterval Value)> Intervals(TradingTimescaleOptions options)
    {
        var c = options.ChunkIntervals;
        yield return ("ChunkIntervals:StockPrices", "chunk_interval_stock_prices", c.StockPrices);
        yield return ("ChunkIntervals:OptionsData", "chunk_interval_options_data", c.OptionsData);
        yield return ("ChunkIntervals:Signals", "chunk_interval_signals", c.Signals);
        yield return ("ChunkIntervals:PerformanceMetrics", "chunk_interval_performance_metrics", c.PerformanceMetrics);
        yield return ("ChunkIntervals:DataQuality", "chunk_interval_data_quality", c.DataQuality);
        yield return ("ChunkIntervals:SystemEvents", "chunk_interval_system_events", c.SystemEvents);
        yield return ("CompressAfter", "compress_after", options.CompressAfter);
        var r = options.Retention;
        yield return ("Retention:StockPrices", "retention_stock_prices", r.StockPrices);
        yield return ("Retention:OptionsData", "retention_options_data", r.OptionsData);
        yield return ("Retention:Signals", "retention_signals", r.Signals);
        yield return ("Retention:PerformanceMetrics", "retention_performance_metrics", r.PerformanceMetrics);
        yield return ("Retention:DataQuality", "retention_data_quality", r.DataQuality);
        yield return ("Retention:SystemEvents", "retention_system_events", r.SystemEvents);
        yield return ("Retention:SystemEventsCritical", "retention_system_events_critical", r.SystemEventsCritical);
        foreach (var aggregate in AggregateCatalog.All)
        {
            var policy = aggregate.Policy(options.Refresh);
            yield return ($"Refresh:{aggregate.OptionName}:StartOffset", $"refresh_{aggregate.Name}_start_offset", policy.StartOffset);
            yield return ($"Refresh:{aggregate.OptionName}:EndOffset", $"refresh_{aggregate.Name}_end_offset", policy.EndOffset);
            yield return ($"Refresh:{aggregate.OptionName}:Schedule", $"refresh_{aggregate.Name}_schedule", policy.Schedule);
        }
    }

    /// <summary>The settings, full names (<c>trading_timescale.x</c>) and values, in a fixed order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> From(TradingTimescaleOptions options, TimescaleEdition edition)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new List<KeyValuePair<string, string>>
        {
            new(Prefix + "edition", EditionName(edition)),
            new(Prefix + "exchange_time_zone", options.ExchangeTimeZone),
        };
        foreach (var (_, setting, value) in Intervals(options))
        {
            settings.Add(new(Prefix + setting, value.ToString()));
        }

        return settings;
    }

    public static string EditionName(TimescaleEdition edition) => edition switch
    {
        TimescaleEdition.Community => "community",
        TimescaleEdition.Apache => "apache",
        _ => throw new ArgumentOutOfRangeException(nameof(edition), edition, "The schema applies to the community or the apache edition only."),
    };
}
