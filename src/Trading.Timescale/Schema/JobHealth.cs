using System.Globalization;
using NodaTime;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema;

/// <summary>One TimescaleDB background job (policy) on the trading schema (community edition).</summary>
public sealed class JobHealth
{
    internal JobHealth(CatalogJob job)
    {
        JobId = job.JobId;
        Application = job.Application;
        Target = job.Target;
        ScheduleInterval = job.ScheduleInterval ?? default;
        Scheduled = job.Scheduled;
        LastRunStatus = job.LastRunStatus;
        LastRunStartedAt = job.LastRunStartedAt;
        NextStart = job.NextStart;
        TotalFailures = job.TotalFailures;
        Failure = job.LastRunFailed
            ? string.Create(CultureInfo.InvariantCulture,
                $"job {job.JobId} ({job.Application}) on {job.Target} failed its last run ({job.TotalFailures} failure(s) in all): see timescaledb_information.job_errors")
            : null;
    }

    /// <summary>The job id.</summary>
    public int JobId { get; }

    /// <summary>What the job is, such as <c>Refresh Continuous Aggregate Policy [1000]</c>.</summary>
    public string Application { get; }

    /// <summary>The hypertable or continuous aggregate it works on.</summary>
    public string Target { get; }

    /// <summary>How often it runs.</summary>
    public TimescaleInterval ScheduleInterval { get; }

    /// <summary>Whether it is scheduled (not paused).</summary>
    public bool Scheduled { get; }

    /// <summary>The outcome of its last run (<c>Success</c> or <c>Failed</c>), or <see langword="null"/> before the first.</summary>
    public string? LastRunStatus { get; }

    /// <summary>When its last run started.</summary>
    public Instant? LastRunStartedAt { get; }

    /// <summary>When it runs next.</summary>
    public Instant? NextStart { get; }

    /// <summary>How many of its runs failed.</summary>
    public long TotalFailures { get; }

    /// <summary>The problem its failed last run makes, in schema health and the health check alike; <see langword="null"/> when it did not fail.</summary>
    internal string? Failure { get; }
}
