namespace Trading.Timescale.Queries;

/// <summary>The signal performance of one symbol: how many signals of each type, and their mean confidence.</summary>
/// <param name="Symbol">The ticker.</param>
/// <param name="TotalSignals">All signals.</param>
/// <param name="AverageConfidence">The mean confidence (numeric, so <see langword="decimal"/>).</param>
/// <param name="BuySignals">BUY signals.</param>
/// <param name="SellSignals">SELL signals.</param>
/// <param name="HoldSignals">HOLD signals.</param>
public sealed record SignalPerformance(string Symbol, long TotalSignals, decimal AverageConfidence, long BuySignals, long SellSignals, long HoldSignals);
