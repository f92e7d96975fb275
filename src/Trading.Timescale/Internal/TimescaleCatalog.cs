using NodaTime;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Internal;

/// <summary>
/// What TimescaleDB and PostgreSQL report about the trading schema, read once by <see cref="TimescaleCatalogReader"/>.
/// Schema health, the statistics and the health check are views of it.
/// </summary>
/// <param name="Tables">Every table of the trading schema, hypertables first by name, then the plain tables by name.</param>
/// <param name="Aggregates">The continuous aggregates; <see langword="null"/> on the apache edition.</param>
/// <param name="Jobs">The jobs the schema owns; <see langword="null"/> on the apache edition.</param>
/// <param name="Chunks">The chunks of the hypertables, when they were asked for; else empty.</param>
internal sealed record TimescaleCatalog(
    IReadOnlyList<CatalogTable> Tables,
    IReadOnlyList<CatalogAggregate>? Aggregates,
    IReadOnlyList<CatalogJob>? Jobs,
    IReadOnlyList<CatalogChunk> Chunks)
{
    /// <summary>The hypertables, by name.</summary>
    public IEnumerable<CatalogTable> Hypertables => Tables.Where(t => t.IsHypertable);
}

/// <summary>A table of the trading schema with its sizes.</summary>
/// <param name="Name">The table name without the schema.</param>
/// <param name="IsHypertable">Whether it is a hypertable.</param>
/// <param name="ChunkCount">Its chunks (zero for a plain table).</param>
/// <param name="ChunkInterval">The interval of its time dimension (hypertables only).</param>
/// <param name="TableBytes">Heap bytes, its chunks' included.</param>
/// <param name="IndexBytes">Index bytes, its chunks' included.</param>
/// <param name="ToastBytes">TOAST bytes, its chunks' included.</param>
/// <param name="TotalBytes">All of it.</param>
/// <param name="Compression">Its compression (community edition hypertables only).</param>
internal sealed record CatalogTable(
    string Name,
    bool IsHypertable,
    long ChunkCount,
    TimescaleInterval? ChunkInterval,
    long TableBytes,
    long IndexBytes,
    long ToastBytes,
    long TotalBytes,
    CatalogCompression? Compression);

/// <summary>The compression of a hypertable.</summary>
/// <param name="Enabled">Whether compression is enabled on it.</param>
/// <param name="CompressedChunks">Its compressed chunks.</param>
/// <param name="BytesBeforeCompression">The compressed chunks' bytes before compression.</param>
/// <param name="BytesAfterCompression">The compressed chunks' bytes after compression.</param>
internal sealed record CatalogCompression(bool Enabled, long CompressedChunks, long? BytesBeforeCompression, long? BytesAfterCompression);

/// <summary>
/// A continuous aggregate: what it has materialized, how far it lags (the one definition of aggregate lag), its refresh
/// policy and its size.
/// </summary>
/// <param name="Name">The view name without the schema.</param>
/// <param name="MaterializedOnly">Whether reads see only materialized buckets.</param>
/// <param name="Materialization">The materialization hypertable, quoted.</param>
/// <param name="NewestBucket">The start of the newest materialized bucket.</param>
/// <param name="MaterializedThrough">The end of the newest materialized bucket (start plus one bucket width).</param>
/// <param name="SourceNewest">The time of the newest row of the hypertable the aggregate reads.</param>
/// <param name="Lag">Source newest minus materialized through, never negative; zero when the source is empty;
/// <see langword="null"/> when nothing is materialized although the source has rows.</param>
/// <param name="State">The materialization state.</param>
/// <param name="RefreshJobId">Its refresh policy's job, if it has one.</param>
/// <param name="RefreshScheduled">Whether that job is scheduled.</param>
/// <param name="LastSuccessfulRefresh">When that job last finished successfully.</param>
/// <param name="NextRefresh">When that job runs next.</param>
/// <param name="ChunkCount">The chunks of its materialization hypertable.</param>
/// <param name="TotalBytes">The size of its materialization hypertable.</param>
internal sealed record CatalogAggregate(
    string Name,
    bool MaterializedOnly,
    string Materialization,
    Instant? NewestBucket,
    Instant? MaterializedThrough,
    Instant? SourceNewest,
    Duration? Lag,
    AggregateMaterialization State,
    int? RefreshJobId,
    bool RefreshScheduled,
    Instant? LastSuccessfulRefresh,
    Instant? NextRefresh,
    long ChunkCount,
    long TotalBytes);

/// <summary>A TimescaleDB job the trading schema owns (its procedures, and the policies on its hypertables and aggregates).</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Application">The job's application name.</param>
/// <param name="Target">The aggregate, hypertable or procedure it works on.</param>
/// <param name="ScheduleInterval">How often it runs.</param>
/// <param name="Scheduled">Whether it is scheduled.</param>
/// <param name="LastRunStatus">Its last run's status (<c>Success</c>, <c>Failed</c>), if it ran.</param>
/// <param name="LastRunStartedAt">When its last run started.</param>
/// <param name="LastSuccessfulFinish">When its last successful run finished.</param>
/// <param name="NextStart">When it runs next.</param>
/// <param name="TotalRuns">Its runs.</param>
/// <param name="TotalFailures">Its failed runs.</param>
/// <param name="LastError">Its newest error message.</param>
/// <param name="LastErrorAt">When that error happened.</param>
internal sealed record CatalogJob(
    int JobId,
    string Application,
    string Target,
    TimescaleInterval? ScheduleInterval,
    bool Scheduled,
    string? LastRunStatus,
    Instant? LastRunStartedAt,
    Instant? LastSuccessfulFinish,
    Instant? NextStart,
    long TotalRuns,
    long TotalFailures,
    string? LastError,
    Instant? LastErrorAt)
{
    /// <summary>Whether its last run failed.</summary>
    public bool LastRunFailed => string.Equals(LastRunStatus, "Failed", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A chunk of a trading hypertable.</summary>
/// <param name="Hypertable">Its hypertable, without the schema.</param>
/// <param name="Chunk">The chunk, quoted with its schema.</param>
/// <param name="RangeStart">The start of its time range.</param>
/// <param name="RangeEnd">The end of its time range.</param>
/// <param name="IsCompressed">Whether it is compressed.</param>
/// <param name="TotalBytes">Its size.</param>
/// <param name="BytesBeforeCompression">Its bytes before compression, when compressed.</param>
/// <param name="BytesAfterCompression">Its bytes after compression, when compressed.</param>
internal sealed record CatalogChunk(
    string Hypertable,
    string Chunk,
    Instant? RangeStart,
    Instant? RangeEnd,
    bool IsCompressed,
    long TotalBytes,
    long? BytesBeforeCompression,
    long? BytesAfterCompression);
