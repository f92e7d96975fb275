using Trading.Timescale.Queries;
using static QuickStart.Cells;

namespace QuickStart;

/// <summary>
/// The demo's signal-outcome tables. "signal return" is what following the signal earned
/// (<see cref="SignalOutcome.DirectionalReturn"/>: the underlying's move for a BUY, its negative for a SELL);
/// "underlying" is the price move itself (<see cref="SignalOutcome.ForwardReturn"/>), shown beside it.
/// </summary>
internal static class SignalReport
{
    public static IReadOnlyList<string> SummaryHeaders { get; } =
        ["confidence", ">signals", ">target first", ">stop first", ">neither", ">avg signal return"];

    public static IReadOnlyList<string> OutcomeHeaders { get; } =
        ["time", "symbol", "signal", ">confidence", ">entry", ">target", ">stop", "outcome", ">underlying", ">signal return"];

    /// <summary>One row per confidence band, highest first.</summary>
    public static IEnumerable<IReadOnlyList<string>> Summary(IEnumerable<SignalOutcome> outcomes) => outcomes
        .GroupBy(o => o.Signal.Confidence >= 0.8m ? "0.80 and up" : o.Signal.Confidence >= 0.65m ? "0.65 - 0.79" : "below 0.65")
        .OrderByDescending(g => g.Min(o => o.Signal.Confidence))
        .Select(g => Row(g.Key, $"{g.Count()}", $"{g.Count(o => o.FirstHit == SignalHit.Target)}", $"{g.Count(o => o.FirstHit == SignalHit.Stop)}",
            $"{g.Count(o => o.FirstHit == SignalHit.None)}", SignedPercent(g.Average(o => o.DirectionalReturn ?? 0))));

    /// <summary>One signal: its levels, which came first, the underlying's move and what following the signal earned.</summary>
    public static IReadOnlyList<string> Outcome(SignalOutcome o) =>
        Row(Time(o.Signal.Timestamp), o.Signal.Symbol, $"{o.Signal.SignalType}".ToUpperInvariant(), $"{o.Signal.Confidence:0.00}", Price(o.EntryPrice),
            Price(o.Signal.TargetPrice), Price(o.Signal.StopLoss),
            o.FirstHit == SignalHit.None ? "open at horizon" : $"{o.FirstHit} at {Time(o.HitAt!.Value)}".ToLowerInvariant(),
            SignedPercent(o.ForwardReturn), SignedPercent(o.DirectionalReturn));
}
