namespace Trading.Timescale;

/// <summary>
/// The refresh policy of one continuous aggregate: the window it refreshes and how often. A value left unset keeps
/// the database's setting.
/// </summary>
public sealed class RefreshPolicyOptions
{
    /// <summary>Creates a policy with every value unset.</summary>
    public RefreshPolicyOptions()
    {
    }

    /// <summary>Creates a policy.</summary>
    /// <param name="startOffset">How far back the refresh window starts.</param>
    /// <param name="endOffset">How far back the refresh window ends.</param>
    /// <param name="schedule">How often the policy runs.</param>
    public RefreshPolicyOptions(TimescaleInterval? startOffset, TimescaleInterval? endOffset, TimescaleInterval? schedule)
    {
        StartOffset = startOffset;
        EndOffset = endOffset;
        Schedule = schedule;
    }

    /// <summary>How far back the refresh window starts; must stay below the raw table's retention.</summary>
    public TimescaleInterval? StartOffset { get; set; }

    /// <summary>How far back the refresh window ends.</summary>
    public TimescaleInterval? EndOffset { get; set; }

    /// <summary>How often the policy runs.</summary>
    public TimescaleInterval? Schedule { get; set; }
}
