namespace WorkerService;

/// <summary>The simulated feed: <c>Feed:Symbols</c>, <c>Feed:Interval</c>.</summary>
public sealed class FeedOptions
{
    /// <summary>Symbols quoted in every batch.</summary>
    public IList<string> Symbols { get; } = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "SPY"];

    /// <summary>Time between batches.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(500);
}
