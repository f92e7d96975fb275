namespace Trading.Timescale.Operations;

/// <summary>What to restore and where.</summary>
/// <param name="Kind">Everything, or only the schema.</param>
/// <param name="DumpPath">The dump written by a backup; its manifest must sit beside it.</param>
public sealed record RestoreRequest(RestoreKind Kind, string DumpPath)
{
    /// <summary>The database to restore into; the connection's database when <see langword="null"/>.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Creates the target database when it does not exist (otherwise a missing target is an error).</summary>
    public bool CreateDatabase { get; init; }

    /// <summary>
    /// Drops and recreates a target database that already holds the trading schema. Without it such a target is
    /// refused, so a restore never mixes a backup into live data.
    /// </summary>
    public bool ReplaceExisting { get; init; }
}
