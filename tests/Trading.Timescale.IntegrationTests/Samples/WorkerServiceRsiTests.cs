using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Samples;

/// <summary>
/// Runs samples/WorkerService as its own process: its second hosted service subscribes to the bars of its own feed and
/// logs RSI extremes, each with the value the library's RSI gives for that bar.
/// </summary>
public sealed partial class WorkerServiceRsiTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_rsi_watcher_logs_extremes_of_the_feed_with_the_librarys_rsi_of_the_bar()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is sent with kill(1)");
        using var worker = await WorkerProcess.StartAsync(Database.ConnectionString);
        var extreme = await worker.WaitForAsync(() => worker.Lines.Select(l => Extreme().Match(l)).FirstOrDefault(m => m.Success));
        await worker.InterruptAsync();

        var symbol = extreme.Groups["symbol"].Value;
        var kind = extreme.Groups["kind"].Value;
        var logged = double.Parse(extreme.Groups["rsi"].Value, CultureInfo.InvariantCulture);
        var bucket = InstantPattern.ExtendedIso.Parse(extreme.Groups["bucket"].Value).Value;
        await using var trading = new TradingDatabase(DataSource, new TradingTimescaleOptions());
        var point = Assert.Single(await trading.Queries.Rsi(symbol, BarInterval.OneMinute).Between(bucket, bucket + Duration.FromMinutes(1)).ToListAsync(Ct));
        Assert.Equal(logged, point.Rsi!.Value, 1e-9);
        Assert.True(kind == "overbought" ? logged >= 70 : logged <= 30, extreme.Value);
    }

    [GeneratedRegex(@"RSI extreme: (?<symbol>[A-Z]+) (?<kind>overbought|oversold), RSI-14 (?<rsi>[0-9.E+-]+) at the bar of (?<bucket>\S+Z)")]
    private static partial Regex Extreme();
}
