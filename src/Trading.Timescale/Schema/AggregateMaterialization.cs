namespace Trading.Timescale.Schema;

/// <summary>How far a continuous aggregate has materialized its source (community edition).</summary>
public enum AggregateMaterialization
{
    /// <summary>The aggregate's source has no rows, so there is nothing to materialize.</summary>
    SourceEmpty,

    /// <summary>Buckets are materialized; the lag says how far the newest one trails the source.</summary>
    Materialized,

    /// <summary>
    /// Nothing is materialized yet, and a scheduled refresh policy has not run since the source's rows arrived: it has
    /// never succeeded, or its last success came before the newest source row. Reads compute the rows in real time.
    /// </summary>
    AwaitingRefresh,

    /// <summary>
    /// Nothing is materialized although the source has rows, and no scheduled refresh policy will pick them up (there
    /// is none, it is paused, or its window has passed them): refresh the aggregate once with
    /// <c>CALL refresh_continuous_aggregate</c>.
    /// </summary>
    NotMaterialized,
}
