using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary>The table maps, by record type and by <see cref="IngestTable"/>.</summary>
internal static class TableMaps
{
    public static readonly StockPriceMap StockPrices = new();
    public static readonly OptionQuoteMap OptionQuotes = new();
    public static readonly TradingSignalMap Signals = new();
    public static readonly PerformanceMetricMap PerformanceMetrics = new();
    public static readonly DataQualityCheckMap DataQuality = new();
    public static readonly SystemEventMap SystemEvents = new();

    public static IReadOnlyList<TableMap> All { get; } = [StockPrices, OptionQuotes, Signals, PerformanceMetrics, DataQuality, SystemEvents];

    public static TableMap Get(IngestTable table) =>
        All.FirstOrDefault(m => m.Id == table) ?? throw new ArgumentOutOfRangeException(nameof(table), table, "Not an ingest table.");

    /// <summary>Finds a table by its name (<c>stock_prices</c>, with or without <c>trading.</c>).</summary>
    public static TableMap? Find(string name)
    {
        var bare = name.Trim();
        if (bare.StartsWith("trading.", StringComparison.OrdinalIgnoreCase))
        {
            bare = bare["trading.".Length..];
        }

        return All.FirstOrDefault(m => string.Equals(m.Table, bare, StringComparison.OrdinalIgnoreCase));
    }

    public static TableMap<T> For<T>()
        where T : TradingRecord =>
        Cache<T>.Map ?? throw new NotSupportedException($"{typeof(T).Name} is not a record of an ingest table.");

    private static class Cache<T>
        where T : TradingRecord
    {
        public static readonly TableMap<T>? Map = All.OfType<TableMap<T>>().FirstOrDefault();
    }
}
