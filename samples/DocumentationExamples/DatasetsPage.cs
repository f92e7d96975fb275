using NodaTime;
using Trading.Timescale;
using Trading.Timescale.Export;
using Trading.Timescale.Queries;

namespace DocumentationExamples;

/// <summary>The samples of docs/datasets.md.</summary>
internal static class DatasetsPage
{
    public static async Task<ExportResult> FeaturesAsync(TradingDatabase trading, IProgress<ExportProgress> progress, CancellationToken cancellationToken)
    {
        var result = await trading.Export().FeaturesAsync(new FeatureSetExport
        {
            Interval = BarInterval.FiveMinutes,
            From = Instant.FromUtc(2026, 11, 2, 0, 0),
            To = Instant.FromUtc(2026, 12, 1, 0, 0),
            Symbols = ["AAPL", "MSFT"],
            Indicators = FeatureIndicator.ParseList("rsi:14,sma:20,bollinger:20:2,macd,atr:14"),
            OptionsFeatures = true,
            LabelHorizon = Duration.FromMinutes(30),
            Output = "data/features-nov",          // or "s3://bucket/prefix"
        }, progress, cancellationToken);
        return result;
    }
}
