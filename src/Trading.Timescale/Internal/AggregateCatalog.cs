namespace Trading.Timescale.Internal;

/// <summary>What an aggregate holds: OHLCV bars, option volume per underlying, or signal counts per symbol.</summary>
internal enum AggregateKind
{
    Bars,
    OptionsVolume,
    SignalPerformance,
}

/// <summary>
/// One aggregate of the trading schema. On the community edition it is a continuous aggregate (real-time,
/// refreshed by a policy) reading <see cref="Reads"/>; on the apache edition a plain view of the same name and
/// columns computed on read from <see cref="RawTable"/>.
/// </summary>
/// <param name="Name">The view name in schema <c>trading</c>.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Bucket">Its bucket width.</param>
/// <param name="RawTable">The hypertable whose rows it aggregates.</param>
/// <param name="Reads">What the community edition's continuous aggregate reads (the hierarchy); the daily bars
/// read <c>stock_prices_5m</c> instead of <c>stock_prices_1h</c> when the exchange's UTC offset is not whole hours.</param>
/// <param name="ExchangeDay">Whether buckets follow the exchange's calendar day (bucketed in its time zone).</param>
/// <param name="OptionName">Its property in <see cref="RefreshOptions"/>.</param>
/// <param name="Policy">Its refresh policy in the options.</param>
/// <param name="DefaultPolicy">Its refresh window and schedule on a new database.</param>
/// <param name="RetentionOptionName">The <see cref="RetentionOptions"/> property of its raw table.</param>
/// <param name="HealthLagLimit">The lag the health check allows by default: up to one bucket plus the default policy's
/// end offset and schedule, with room for a late run.</param>
internal sealed record AggregateInfo(
    string Name,
    AggregateKind Kind,
    TimescaleInterval Bucket,
    string RawTable,
    string Reads,
    bool ExchangeDay,
    string OptionName,
    Func<RefreshOptions, RefreshPolicyOptions> Policy,
    DefaultRefreshPolicy DefaultPolicy,
    string RetentionOptionName,
    TimeSpan HealthLagLimit)
{
    public string QualifiedName => "trading." + Name;

    /// <summary>What each edition installs under this name.</summary>
    public string Edition(bool community) => community
        ? $"continuous aggregate over {Reads} (real-time, refresh policy Refresh:{OptionName})"
        : $"view computed on read from {RawTable}";
}

/// <summary>The refresh window and schedule an aggregate's policy gets on a new database.</summary>
internal sealed record DefaultRefreshPolicy(string StartOffset, string EndOffset, string Schedule);

/// <summary>
/// The one list of the schema's aggregates. The installer's settings, the option checks, schema health and the bar
/// queries read it; the SQL files that name the aggregates are checked against it by a unit test.
/// </summary>
internal static class AggregateCatalog
{
    public static readonly AggregateInfo StockPrices1m = new(
        "stock_prices_1m", AggregateKind.Bars, TimescaleInterval.FromMinutes(1), "stock_prices", "stock_prices", false,
        nameof(RefreshOptions.StockPrices1m), o => o.StockPrices1m, new("3 hours", "1 minute", "1 minute"), nameof(RetentionOptions.StockPrices), TimeSpan.FromMinutes(10));

    public static readonly AggregateInfo StockPrices5m = new(
        "stock_prices_5m", AggregateKind.Bars, TimescaleInterval.FromMinutes(5), "stock_prices", "stock_prices_1m", false,
        nameof(RefreshOptions.StockPrices5m), o => o.StockPrices5m, new("6 hours", "5 minutes", "5 minutes"), nameof(RetentionOptions.StockPrices), TimeSpan.FromMinutes(30));

    public static readonly AggregateInfo StockPrices1h = new(
        "stock_prices_1h", AggregateKind.Bars, TimescaleInterval.FromHours(1), "stock_prices", "stock_prices_5m", false,
        nameof(RefreshOptions.StockPrices1h), o => o.StockPrices1h, new("3 days", "1 hour", "30 minutes"), nameof(RetentionOptions.StockPrices), TimeSpan.FromHours(4));

    public static readonly AggregateInfo StockPrices1d = new(
        "stock_prices_1d", AggregateKind.Bars, TimescaleInterval.FromDays(1), "stock_prices", "stock_prices_1h", true,
        nameof(RefreshOptions.StockPrices1d), o => o.StockPrices1d, new("10 days", "1 hour", "1 hour"), nameof(RetentionOptions.StockPrices), TimeSpan.FromHours(30));

    public static readonly AggregateInfo OptionsVolume1h = new(
        "options_volume_1h", AggregateKind.OptionsVolume, TimescaleInterval.FromHours(1), "options_data", "options_data", false,
        nameof(RefreshOptions.OptionsVolume1h), o => o.OptionsVolume1h, new("3 days", "1 hour", "30 minutes"), nameof(RetentionOptions.OptionsData), TimeSpan.FromHours(4));

    public static readonly AggregateInfo SignalPerformance1d = new(
        "signal_performance_1d", AggregateKind.SignalPerformance, TimescaleInterval.FromDays(1), "signals", "signals", true,
        nameof(RefreshOptions.SignalPerformance1d), o => o.SignalPerformance1d, new("10 days", "1 hour", "1 hour"), nameof(RetentionOptions.Signals), TimeSpan.FromHours(30));

    /// <summary>Every aggregate, in dependency order (an aggregate comes after the one it reads).</summary>
    public static IReadOnlyList<AggregateInfo> All { get; } =
        [StockPrices1m, StockPrices5m, StockPrices1h, StockPrices1d, OptionsVolume1h, SignalPerformance1d];

    /// <summary>The OHLCV bar aggregate of exactly this bucket width, if there is one.</summary>
    public static AggregateInfo? BarsOf(TimescaleInterval interval) =>
        All.FirstOrDefault(a => a.Kind == AggregateKind.Bars && a.Bucket == interval);
}
