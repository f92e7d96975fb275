using NodaTime;

namespace Trading.Timescale.Schema;

/// <summary>One TimescaleDB background job (policy) on the trading schema (community edition).</summary>
public sealed class JobHealth
{
    internal JobHealth(int jobId, string application, string target, TimescaleInterval scheduleInterval, bool scheduled, string? lastRunStatus, Instant? lastRunStartedAt, Instant? nextStart, long totalFailures)
    {
        JobId = jobId;
        Application = application;
        Target = target;
        ScheduleInterval = scheduleInterval;
        Scheduled = scheduled;
        LastRunStatus = lastRunStatus;
        LastRunStartedAt = lastRunStartedAt;
        NextStart = nextStart;
        TotalFailures = totalFailures;
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
}
