using System.Globalization;
using NodaTime;
using Trading.Timescale;
using Trading.Timescale.Export;
using Trading.Timescale.Queries;

namespace QuickStart;

/// <summary>The last step: the simulated day as a point-in-time feature set in Parquet, ready for pandas, polars or DuckDB.</summary>
internal static class FeatureExport
{
    public static async Task RunAsync(TradingDatabase trading, SampleMarket market, CancellationToken ct)
    {
        Output.Section("Training data: the day's 5-minute features as Parquet");
        var output = Path.GetFullPath(Path.Combine("artifacts", "demo", $"features-{market.Day:yyyy-MM-dd}"));
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var result = await trading.Export().FeaturesAsync(new FeatureSetExport
        {
            Interval = BarInterval.FiveMinutes,
            From = market.Open,
            To = market.Close,
            Indicators = FeatureIndicator.ParseList("rsi:14,sma:20,bollinger:20:2,macd,atr:14"),
            OptionsFeatures = true,
            LabelHorizon = Duration.FromMinutes(30),
            Output = output,
        }, cancellationToken: ct);
        Output.Table(["file", ">rows", ">bytes"], [.. result.Files.Select(f => (IReadOnlyList<string>)[f.Path, f.Rows.ToString("N0", CultureInfo.InvariantCulture), f.Bytes.ToString("N0", CultureInfo.InvariantCulture)])]);
        Output.Line($"{result.Rows:N0} rows x {result.Columns.Count} columns ({string.Join(", ", result.Columns.Skip(8).Take(4))}, ...): {output}");
    }
}
