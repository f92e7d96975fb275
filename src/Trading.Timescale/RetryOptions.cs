namespace Trading.Timescale;

/// <summary>
/// The retry budget for transient failures (<c>TradingTimescale:Retry</c>): a lost or broken connection, a server
/// shutting down or restarting (57P01, 57P02, 57P03), a failover, or a serialization failure or deadlock (40001,
/// 40P01). Writes are retried with exponential back-off and jitter until <see cref="MaxAttempts"/> attempts were made
/// or <see cref="MaxRetryTime"/> has passed; reads through the query builders are retried once on a broken pooled
/// connection. Every retry is logged as a warning and counted in the <c>trading_timescale.retries</c> counter.
/// See docs/ingest.md for what each write method guarantees.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>The largest <see cref="MaxAttempts"/> accepted.</summary>
    public const int MaxAttemptsLimit = 100;

    /// <summary>Attempts of one write in all, the first included: 6 by default, 1 (no retry) to 100.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>
    /// How long after a write's first failure a new attempt may still start: 30 seconds by default;
    /// <see cref="TimeSpan.Zero"/> never retries. An attempt that started runs to its end.
    /// </summary>
    public TimeSpan MaxRetryTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause before the first retry, doubled before each next one (with random jitter): 200 ms by default.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between two attempts: 5 seconds by default.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}
