namespace WorkerService;

/// <summary>The simulated feed: <c>Feed:Symbols</c>, <c>Feed:Interval</c>, <c>Feed:RetryDelay</c>.</summary>
public sealed class FeedOptions
{
    /// <summary>Symbols quoted in every batch.</summary>
    public IList<string> Symbols { get; } = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "SPY"];

    /// <summary>Time between batches.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the feed waits before writing a batch again after the database was unavailable past the library's retry budget.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
