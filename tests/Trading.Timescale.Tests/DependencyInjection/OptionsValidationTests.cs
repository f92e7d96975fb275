using Microsoft.Extensions.Configuration;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Tests.DependencyInjection;

public class OptionsValidationTests
{
    private static List<string> Check(Action<TradingTimescaleOptions> change, bool requireConnectionString = false)
    {
        var options = new TradingTimescaleOptions();
        change(options);
        return TradingTimescaleOptionsValidator.Check(options, requireConnectionString);
    }

    [Fact]
    public void Options_leave_every_setting_unset_and_new_databases_get_the_documented_defaults()
    {
        var options = new TradingTimescaleOptions();

        Assert.Empty(TradingTimescaleOptionsValidator.Check(options, false));
        Assert.Empty(SchemaSettings.Configured(options));
        var defaults = SchemaSettings.ConfiguredOrDefault(options);
        string Default(string path) => defaults[SchemaSettings.FindByPath(path)!.Name];
        Assert.Equal("America/New_York", Default("ExchangeTimeZone"));
        Assert.Equal(("1 day", "7 days", "7 days"), (Default("ChunkIntervals:StockPrices"), Default("ChunkIntervals:PerformanceMetrics"), Default("CompressAfter")));
        Assert.Equal(
            ["90 days", "60 days", "1 year", "2 years", "90 days", "3 months", "2 years"],
            new[] { "StockPrices", "OptionsData", "Signals", "PerformanceMetrics", "DataQuality", "SystemEvents", "SystemEventsCritical" }.Select(t => Default("Retention:" + t)));
        Assert.Equal(("3 hours", "1 minute", "1 minute"), (Default("Refresh:StockPrices1m:StartOffset"), Default("Refresh:StockPrices1m:EndOffset"), Default("Refresh:StockPrices1m:Schedule")));
        Assert.Equal(("10 days", "1 hour", "1 hour"), (Default("Refresh:SignalPerformance1d:StartOffset"), Default("Refresh:SignalPerformance1d:EndOffset"), Default("Refresh:SignalPerformance1d:Schedule")));
        Assert.Equal(("3 days", "1 hour", "30 minutes"), (Default("Refresh:OptionsVolume1h:StartOffset"), Default("Refresh:OptionsVolume1h:EndOffset"), Default("Refresh:OptionsVolume1h:Schedule")));
    }

    [Fact]
    public void Every_setting_path_binds_from_configuration_and_reads_back()
    {
        var values = SchemaSettings.All.ToDictionary(s => "TradingTimescale:" + s.Path, s => (string?)(s.IsInterval ? "17 days" : "Europe/London"));
        var options = new ConfigurationBuilder().AddInMemoryCollection(values).Build()
            .GetSection("TradingTimescale").Get<TradingTimescaleOptions>(o => o.ErrorOnUnknownConfiguration = true)!;

        var configured = SchemaSettings.Configured(options);

        Assert.Equal(SchemaSettings.All.Count, configured.Count);
        Assert.All(SchemaSettings.All, s => Assert.Equal(s.IsInterval ? "17 days" : "Europe/London", configured[s.Name]));
    }

    [Fact]
    public void Only_a_shorter_retention_counts_as_removing_data()
    {
        var stock = SchemaSettings.FindByPath("Retention:StockPrices")!;
        var chunks = SchemaSettings.FindByPath("ChunkIntervals:StockPrices")!;

        Assert.True(stock.RemovesData("1825 days", "90 days"));
        Assert.False(stock.RemovesData("90 days", "1825 days"));
        Assert.False(stock.RemovesData("1 year", "12 months"));
        Assert.True(stock.Same("1 year", "12 months"));
        Assert.False(chunks.RemovesData("7 days", "1 day"));
    }

    [Fact]
    public void Refresh_start_at_or_past_retention_names_both_settings()
    {
        var failures = Check(o => o.Refresh.StockPrices1m.StartOffset = TimescaleInterval.Parse("4 months"));

        var failure = Assert.Single(failures);
        Assert.StartsWith(
            "TradingTimescale:Refresh:StockPrices1m:StartOffset (4 months) reaches past TradingTimescale:Retention:StockPrices (90 days): a refresh over dropped raw data would erase aggregate history",
            failure, StringComparison.Ordinal);

        var equal = Assert.Single(Check(o =>
        {
            o.Retention.OptionsData = TimescaleInterval.Parse("3 days");
        }));
        Assert.Contains("TradingTimescale:Refresh:OptionsVolume1h:StartOffset (3 days) reaches past TradingTimescale:Retention:OptionsData (3 days)", equal, StringComparison.Ordinal);

        Assert.Contains("TradingTimescale:Refresh:SignalPerformance1d:StartOffset (1 year 1 day) reaches past TradingTimescale:Retention:Signals (1 year)",
            Assert.Single(Check(o => o.Refresh.SignalPerformance1d.StartOffset = TimescaleInterval.Parse("1 year 1 day"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Critical_event_retention_shorter_than_the_system_events_one_names_both_settings()
    {
        var failure = Assert.Single(Check(o => o.Retention.SystemEventsCritical = TimescaleInterval.Parse("30 days")));

        Assert.StartsWith(
            "TradingTimescale:Retention:SystemEventsCritical (30 days) is shorter than TradingTimescale:Retention:SystemEvents (3 months): CRITICAL events would be dropped before ordinary ones",
            failure, StringComparison.Ordinal);
        Assert.Empty(Check(o => o.Retention.SystemEventsCritical = TimescaleInterval.Parse("3 months")));
        Assert.Single(Check(o => o.Retention.SystemEvents = TimescaleInterval.Parse("3 years")));
    }

    [Fact]
    public void Refresh_window_must_run_backwards_and_cover_two_buckets()
    {
        var backwards = Assert.Single(Check(o => o.Refresh.StockPrices1h.EndOffset = TimescaleInterval.Parse("4 days")));
        Assert.Contains("TradingTimescale:Refresh:StockPrices1h:StartOffset (3 days) must be longer than TradingTimescale:Refresh:StockPrices1h:EndOffset (4 days)", backwards, StringComparison.Ordinal);

        var narrow = Assert.Single(Check(o => o.Refresh.StockPrices1d.StartOffset = TimescaleInterval.Parse("36 hours")));
        Assert.Contains("TradingTimescale:Refresh:StockPrices1d: the refresh window from StartOffset (36 hours) to EndOffset (1 hour) covers less than two 1 day buckets", narrow, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_interval_must_be_positive()
    {
        var failures = Check(o =>
        {
            o.ChunkIntervals.Signals = default(TimescaleInterval);
            o.CompressAfter = TimescaleInterval.Parse("-1 day");
            o.Retention.SystemEventsCritical = default(TimescaleInterval);
            o.Refresh.StockPrices5m.Schedule = default(TimescaleInterval);
        });

        Assert.Equal(4, failures.Count);
        Assert.Contains("TradingTimescale:ChunkIntervals:Signals (0 days) must be a positive interval", failures[0], StringComparison.Ordinal);
        Assert.Contains("TradingTimescale:CompressAfter (-1 days) must be a positive interval", failures[1], StringComparison.Ordinal);
        Assert.Contains("TradingTimescale:Retention:SystemEventsCritical (0 days)", failures[2], StringComparison.Ordinal);
        Assert.Contains("TradingTimescale:Refresh:StockPrices5m:Schedule (0 days)", failures[3], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("America/NewYork")]
    [InlineData("EST5")]
    [InlineData("")]
    public void Time_zone_must_be_a_tz_database_name(string zone)
    {
        var failure = Assert.Single(Check(o => o.ExchangeTimeZone = zone));
        Assert.StartsWith($"TradingTimescale:ExchangeTimeZone ({zone}) is not a tz database time zone name", failure, StringComparison.Ordinal);
        Assert.Empty(Check(o => o.ExchangeTimeZone = "Asia/Tokyo"));
    }

    [Fact]
    public void Connection_string_is_required_only_when_the_library_builds_the_data_source()
    {
        Assert.Empty(Check(_ => { }, requireConnectionString: false));
        Assert.Equal(
            "TradingTimescale:ConnectionString is empty: set it to an Npgsql connection string or a postgresql:// URL.",
            Assert.Single(Check(_ => { }, requireConnectionString: true)));
        Assert.StartsWith("TradingTimescale:ConnectionString cannot be read", Assert.Single(Check(o => o.ConnectionString = "postgresql://")), StringComparison.Ordinal);
        Assert.StartsWith("TradingTimescale:ConnectionString cannot be read", Assert.Single(Check(o => o.ConnectionString = "NoSuchKey=1")), StringComparison.Ordinal);
    }

    [Fact]
    public void Timeouts_must_be_positive()
    {
        var failures = Check(o =>
        {
            o.LockTimeout = TimeSpan.Zero;
            o.SchemaCommandTimeout = TimeSpan.FromSeconds(-1);
        });

        Assert.Equal(["TradingTimescale:LockTimeout (00:00:00) must be positive.", "TradingTimescale:SchemaCommandTimeout (-00:00:01) must be positive."], failures);
    }

    [Fact]
    public void The_retry_budget_binds_from_configuration()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TradingTimescale:Retry:MaxAttempts"] = "9",
            ["TradingTimescale:Retry:MaxRetryTime"] = "00:02:00",
            ["TradingTimescale:Retry:BaseDelay"] = "00:00:00.050",
            ["TradingTimescale:Retry:MaxDelay"] = "00:00:03",
        }).Build().GetSection("TradingTimescale").Get<TradingTimescaleOptions>(o => o.ErrorOnUnknownConfiguration = true)!;

        Assert.Equal((9, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3)),
            (options.Retry.MaxAttempts, options.Retry.MaxRetryTime, options.Retry.BaseDelay, options.Retry.MaxDelay));
        Assert.Empty(TradingTimescaleOptionsValidator.Check(options, false));
        Assert.Equal((6, TimeSpan.FromSeconds(30)), (new RetryOptions().MaxAttempts, new RetryOptions().MaxRetryTime));
    }

    [Fact]
    public void A_retry_budget_out_of_range_is_refused_naming_each_setting_and_value()
    {
        var failures = Check(o =>
        {
            o.Retry.MaxAttempts = 0;
            o.Retry.MaxRetryTime = TimeSpan.FromSeconds(-1);
            o.Retry.BaseDelay = TimeSpan.FromSeconds(10);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        });

        Assert.Equal(
        [
            "TradingTimescale:Retry:MaxAttempts (0) must be 1 (no retry) to 100.",
            "TradingTimescale:Retry:MaxRetryTime (-00:00:01) cannot be negative: use 00:00:00 to never retry.",
            "TradingTimescale:Retry:BaseDelay (00:00:10) is longer than TradingTimescale:Retry:MaxDelay (00:00:02).",
        ], failures);
        Assert.Equal(
            ["TradingTimescale:Retry:BaseDelay (00:00:00) must be positive, such as 00:00:00.200.", "TradingTimescale:Retry:MaxDelay (-00:00:01) must be positive, such as 00:00:05."],
            Check(o => { o.Retry.BaseDelay = TimeSpan.Zero; o.Retry.MaxDelay = TimeSpan.FromSeconds(-1); }));
        Assert.Equal("TradingTimescale:Retry:MaxAttempts (101) must be 1 (no retry) to 100.", Assert.Single(Check(o => o.Retry.MaxAttempts = 101)));
    }
}
