using NodaTime;

namespace Trading.Timescale.Live;

/// <summary>The options of a bar subscription (<see cref="TradingLive.Bars"/>).</summary>
public sealed record LiveBarOptions
{
    /// <summary>The options that every subscription starts from.</summary>
    public static LiveBarOptions Default { get; } = new();

    /// <summary>
    /// How long after its end a bar is complete even when no row of a later bucket has arrived (a symbol that stopped
    /// trading). <see langword="null"/> (the default): a bar is complete only once a row of a later bucket of its symbol arrives.
    /// </summary>
    public Duration? GracePeriod { get; init; }

    /// <summary>
    /// Also yields the current partial bar of each symbol each time it changes, for charts: the same
    /// <see cref="Queries.Bar.Bucket"/> comes again with the newer values, and the last bar of a bucket is the complete one.
    /// </summary>
    public bool IncludePartial { get; init; }

    /// <summary>
    /// Resumes from stored positions: for each symbol, the <see cref="Queries.Bar.Bucket"/> of the last bar the consumer
    /// handled; the subscription yields that symbol's bars that start after it. A symbol not listed starts at the moment
    /// the subscription starts (the bars that complete afterwards, whatever their timestamps).
    /// </summary>
    public IReadOnlyDictionary<string, Instant>? After { get; init; }

    /// <summary>The most bars read per symbol in one round trip; a consumer that falls behind catches up page by page. 500 by default.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>How often the subscription checks for new rows without a notification (a safety net). 10 seconds by default.</summary>
    public Duration PollInterval { get; init; } = Duration.FromSeconds(10);
}
