using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>One thing maintenance did, or in a dry run would do.</summary>
public sealed class MaintenanceAction
{
    internal MaintenanceAction(MaintenanceActionKind kind, string target, string? chunk, Instant? rangeStart, Instant? rangeEnd, TimescaleInterval? width = null)
    {
        Width = width;
        Kind = kind;
        Target = target;
        Chunk = chunk;
        RangeStart = rangeStart;
        RangeEnd = rangeEnd;
    }

    /// <summary>What is done.</summary>
    public MaintenanceActionKind Kind { get; }

    /// <summary>The hypertable or continuous aggregate, as <c>trading.name</c> (<c>trading.screen_states</c> for a screen-state refresh).</summary>
    public string Target { get; }

    /// <summary>The chunk dropped or compressed, as <c>schema.name</c>; <see langword="null"/> for a refresh.</summary>
    public string? Chunk { get; }

    /// <summary>
    /// The start of the chunk's time range, or of the refresh window; for a screen-state refresh, the state's horizon
    /// before it (its bars start before it).
    /// </summary>
    public Instant? RangeStart { get; }

    /// <summary>
    /// The end of the chunk's time range, or of the refresh window; for a screen-state refresh, the horizon after it
    /// (in a dry run, the one it would reach: the start of the bucket holding now).
    /// </summary>
    public Instant? RangeEnd { get; }

    /// <summary>The bar width of a screen-state refresh; <see langword="null"/> for the other actions.</summary>
    public TimescaleInterval? Width { get; }
}
