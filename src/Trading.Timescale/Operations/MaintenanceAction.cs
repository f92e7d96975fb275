using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>One thing maintenance did, or in a dry run would do.</summary>
public sealed class MaintenanceAction
{
    internal MaintenanceAction(MaintenanceActionKind kind, string target, string? chunk, Instant? rangeStart, Instant? rangeEnd)
    {
        Kind = kind;
        Target = target;
        Chunk = chunk;
        RangeStart = rangeStart;
        RangeEnd = rangeEnd;
    }

    /// <summary>What is done.</summary>
    public MaintenanceActionKind Kind { get; }

    /// <summary>The hypertable or continuous aggregate, as <c>trading.name</c>.</summary>
    public string Target { get; }

    /// <summary>The chunk dropped or compressed, as <c>schema.name</c>; <see langword="null"/> for a refresh.</summary>
    public string? Chunk { get; }

    /// <summary>The start of the chunk's time range, or of the refresh window.</summary>
    public Instant? RangeStart { get; }

    /// <summary>The end of the chunk's time range, or of the refresh window.</summary>
    public Instant? RangeEnd { get; }
}
