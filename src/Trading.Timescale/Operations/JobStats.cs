using NodaTime;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations;

/// <summary>One TimescaleDB job on the trading schema (community edition) with its last run and last error.</summary>
public sealed class JobStats
{
    internal JobStats(CatalogJob job)
    {
        JobId = job.JobId;
        Application = job.Application;
        Target = job.Target;
        ScheduleInterval = job.ScheduleInterval is { } interval ? Duration.FromTicks((long)(interval.ComparableMicroseconds * 10)) : null;
        Scheduled = job.Scheduled;
        LastRunStatus = job.LastRunStatus;
        LastRunStartedAt = job.LastRunStartedAt;
        LastSuccessfulFinish = job.LastSuccessfulFinish;
        NextStart = job.NextStart;
        TotalRuns = job.TotalRuns;
        TotalFailures = job.TotalFailures;
        LastError = job.LastError;
        LastErrorAt = job.LastErrorAt;
    }

    /// <summary>The job id (for <c>CALL run_job(id)</c>).</summary>
    public int JobId { get; }

    /// <summary>What the job is, such as <c>Compression Policy [1002]</c>.</summary>
    public string Application { get; }

    /// <summary>The hypertable or continuous aggregate it works on.</summary>
    public string Target { get; }

    /// <summary>How often it runs.</summary>
    public Duration? ScheduleInterval { get; }

    /// <summary>Whether it is scheduled (not paused).</summary>
    public bool Scheduled { get; }

    /// <summary><c>Success</c> or <c>Failed</c>, or <see langword="null"/> before the first run.</summary>
    public string? LastRunStatus { get; }

    /// <summary>When its last run started.</summary>
    public Instant? LastRunStartedAt { get; }

    /// <summary>When its last successful run finished.</summary>
    public Instant? LastSuccessfulFinish { get; }

    /// <summary>When it runs next.</summary>
    public Instant? NextStart { get; }

    /// <summary>How many times it ran.</summary>
    public long TotalRuns { get; }

    /// <summary>How many of its runs failed.</summary>
    public long TotalFailures { get; }

    /// <summary>The message of its newest error (<c>timescaledb_information.job_errors</c>), if any.</summary>
    public string? LastError { get; }

    /// <summary>When that error happened.</summary>
    public Instant? LastErrorAt { get; }
}
