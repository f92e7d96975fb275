using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>One continuous aggregate (community edition): its newest materialized bucket and how far that is behind now.</summary>
public sealed class AggregateStats
{
    internal AggregateStats(string name, bool materializedOnly, Instant? newestBucket, Duration? lag, long totalBytes)
    {
        Name = name;
        MaterializedOnly = materializedOnly;
        NewestBucket = newestBucket;
        Lag = lag;
        TotalBytes = totalBytes;
    }

    /// <summary>The aggregate's name, without the schema.</summary>
    public string Name { get; }

    /// <summary>Whether reads see only materialized buckets (no real-time aggregation).</summary>
    public bool MaterializedOnly { get; }

    /// <summary>The newest bucket in its materialization hypertable; <see langword="null"/> when nothing is materialized.</summary>
    public Instant? NewestBucket { get; }

    /// <summary>Now minus <see cref="NewestBucket"/>.</summary>
    public Duration? Lag { get; }

    /// <summary>The size of its materialization hypertable, chunks included.</summary>
    public long TotalBytes { get; }
}
