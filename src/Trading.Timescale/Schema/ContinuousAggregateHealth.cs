using NodaTime;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema;

/// <summary>
/// One continuous aggregate of the trading schema (community edition): its chunks, what it has materialized, how far
/// that lags its source, and its refresh policy.
/// </summary>
public sealed class ContinuousAggregateHealth
{
    internal ContinuousAggregateHealth(CatalogAggregate aggregate)
    {
        Name = aggregate.Name;
        MaterializedOnly = aggregate.MaterializedOnly;
        ChunkCount = aggregate.ChunkCount;
        MaterializedThrough = aggregate.MaterializedThrough;
        SourceNewest = aggregate.SourceNewest;
        Lag = aggregate.Lag;
        Materialization = aggregate.State;
        RefreshJobId = aggregate.RefreshJobId;
        RefreshScheduled = aggregate.RefreshScheduled;
        LastSuccessfulRefresh = aggregate.LastSuccessfulRefresh;
        NextRefresh = aggregate.NextRefresh;
    }

    /// <summary>The view name, such as <c>stock_prices_1m</c>.</summary>
    public string Name { get; }

    /// <summary>Whether queries read only materialized data (no real-time part).</summary>
    public bool MaterializedOnly { get; }

    /// <summary>The number of chunks of its materialization hypertable.</summary>
    public long ChunkCount { get; }

    /// <summary>The end of its newest materialized bucket; <see langword="null"/> when nothing is materialized.</summary>
    public Instant? MaterializedThrough { get; }

    /// <summary>The time of the newest row of what it reads (its hypertable, or the aggregate below it); <see langword="null"/> when that is empty.</summary>
    public Instant? SourceNewest { get; }

    /// <summary>
    /// <see cref="SourceNewest"/> minus <see cref="MaterializedThrough"/>, never negative; zero when the source is
    /// empty; <see langword="null"/> when nothing is materialized although the source has rows.
    /// </summary>
    public Duration? Lag { get; }

    /// <summary>Whether it has materialized its source, awaits its refresh policy, or holds nothing that a policy will fill.</summary>
    public AggregateMaterialization Materialization { get; }

    /// <summary>The job of its refresh policy, or <see langword="null"/> when it has none.</summary>
    public int? RefreshJobId { get; }

    /// <summary>Whether its refresh policy's job is scheduled (not paused).</summary>
    public bool RefreshScheduled { get; }

    /// <summary>When its refresh policy last finished successfully; <see langword="null"/> before the first success.</summary>
    public Instant? LastSuccessfulRefresh { get; }

    /// <summary>When its refresh policy runs next, as TimescaleDB reports it.</summary>
    public Instant? NextRefresh { get; }
}
