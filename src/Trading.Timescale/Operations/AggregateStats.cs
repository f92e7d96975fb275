using NodaTime;
using Trading.Timescale.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

/// <summary>One continuous aggregate (community edition): its newest materialized bucket, how far it lags its source, and its size.</summary>
public sealed class AggregateStats
{
    internal AggregateStats(CatalogAggregate aggregate)
    {
        Name = aggregate.Name;
        MaterializedOnly = aggregate.MaterializedOnly;
        NewestBucket = aggregate.NewestBucket;
        MaterializedThrough = aggregate.MaterializedThrough;
        Lag = aggregate.Lag;
        Materialization = aggregate.State;
        TotalBytes = aggregate.TotalBytes;
    }

    /// <summary>The aggregate's name, without the schema.</summary>
    public string Name { get; }

    /// <summary>Whether reads see only materialized buckets (no real-time aggregation).</summary>
    public bool MaterializedOnly { get; }

    /// <summary>The newest bucket in its materialization hypertable; <see langword="null"/> when nothing is materialized.</summary>
    public Instant? NewestBucket { get; }

    /// <summary>The end of the newest materialized bucket (<see cref="NewestBucket"/> plus one bucket width).</summary>
    public Instant? MaterializedThrough { get; }

    /// <summary>
    /// How far the materialized buckets trail the newest row of the aggregate's source: that row's time minus
    /// <see cref="MaterializedThrough"/>, never negative; zero when the source is empty; <see langword="null"/> when
    /// nothing is materialized although the source has rows. The health check compares the same figure with its limits.
    /// </summary>
    public Duration? Lag { get; }

    /// <summary>Whether it has materialized its source, awaits its refresh policy, or holds nothing that a policy will fill.</summary>
    public AggregateMaterialization Materialization { get; }

    /// <summary>The size of its materialization hypertable, chunks included.</summary>
    public long TotalBytes { get; }
}
