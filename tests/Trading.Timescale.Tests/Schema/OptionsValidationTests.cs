using Trading.Timescale.Internal;

namespace Trading.Timescale.Tests.Schema;

public class OptionsValidationTests
{
    private static List<string> Check(Action<TradingTimescaleOptions> change, bool requireConnectionString = false)
    {
        var options = new TradingTimescaleOptions();
        change(options);
        return TradingTimescaleOptionsValidator.Check(options, requireConnectionString);
    }

    [Fact]
    public void Defaults_are_valid_and_follow_the_spec()
    {
        var options = new TradingTimescaleOptions();

        Assert.Empty(TradingTimescaleOptionsValidator.Check(options, false));
        Assert.Equal("America/New_York", options.ExchangeTimeZone);
        Assert.Equal(("1 day", "7 days", "7 days"), (options.ChunkIntervals.StockPrices.ToString(), options.ChunkIntervals.PerformanceMetrics.ToString(), options.CompressAfter.ToString()));
        Assert.Equal(
            ["90 days", "60 days", "1 year", "2 years", "90 days", "3 months", "2 years"],
            new[] { options.Retention.StockPrices, options.Retention.OptionsData, options.Retention.Signals, options.Retention.PerformanceMetrics, options.Retention.DataQuality, options.Retention.SystemEvents, options.Retention.SystemEventsCritical }.Select(i => i.ToString()));
        Assert.Equal(("3 hours", "1 minute", "1 minute"), (options.Refresh.StockPrices1m.StartOffset.ToString(), options.Refresh.StockPrices1m.EndOffset.ToString(), options.Refresh.StockPrices1m.Schedule.ToString()));
        Assert.Equal(("10 days", "1 hour", "1 hour"), (options.Refresh.SignalPerformance1d.StartOffset.ToString(), options.Refresh.SignalPerformance1d.EndOffset.ToString(), options.Refresh.SignalPerformance1d.Schedule.ToString()));
        Assert.Equal(("3 days", "1 hour", "30 minutes"), (options.Refresh.OptionsVolume1h.StartOffset.ToString(), options.Refresh.OptionsVolume1h.EndOffset.ToString(), options.Refresh.OptionsVolume1h.Schedule.ToString()));
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
            o.ChunkIntervals.Signals = default;
            o.CompressAfter = TimescaleInterval.Parse("-1 day");
            o.Retention.SystemEventsCritical = default;
            o.Refresh.StockPrices5m.Schedule = default;
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
}
