using NodaTime;

namespace Trading.Timescale.Queries;

/// <summary>
/// How a signal played out over its horizon H, judged from the raw bars (<c>trading.stock_prices</c>) of its symbol.
/// Entry: the newest bar with a close at or before the signal. Exit: the newest bar with a close in (signal, signal + H].
/// Levels, from the bars in (signal, signal + H]: a BUY reaches its target when a bar's high &gt;= target and its stop
/// when a bar's low &lt;= stop loss; a SELL reaches its target when a low &lt;= target and its stop when a high &gt;= stop
/// loss; a HOLD has no levels. The earlier bar wins; when one bar reaches both, the order inside the bar is unknown and
/// the stop counts first (the conservative reading), with <see cref="SameBar"/> set.
/// </summary>
/// <param name="Signal">The signal.</param>
/// <param name="EntryAt">The entry bar's time; <see langword="null"/> when no bar precedes the signal.</param>
/// <param name="EntryPrice">The entry bar's close.</param>
/// <param name="ExitAt">The exit bar's time; <see langword="null"/> when no bar follows within the horizon.</param>
/// <param name="ExitPrice">The exit bar's close.</param>
/// <param name="ForwardReturn">Exit / entry − 1, the price change whatever the direction (<see langword="double"/>).</param>
/// <param name="DirectionalReturn">The return of following the signal: <paramref name="ForwardReturn"/> for BUY, its negative for SELL, <see langword="null"/> for HOLD.</param>
/// <param name="FirstHit">Which level was reached first.</param>
/// <param name="HitAt">The bar that reached it.</param>
/// <param name="SameBar">Whether target and stop were both reached first within the same bar.</param>
public sealed record SignalOutcome(
    TradingSignal Signal,
    Instant? EntryAt,
    decimal? EntryPrice,
    Instant? ExitAt,
    decimal? ExitPrice,
    double? ForwardReturn,
    double? DirectionalReturn,
    SignalHit FirstHit,
    Instant? HitAt,
    bool SameBar);
