namespace Trading.Timescale.Operations;

/// <summary>How far a backup, restore, upload or download has got.</summary>
/// <param name="Stage">The step.</param>
/// <param name="Completed">Bytes or items done so far.</param>
/// <param name="Total">Bytes or items in all, when known.</param>
/// <param name="Item">What is being worked on (a file or an archive item), when known.</param>
public sealed record BackupProgress(BackupStage Stage, long Completed, long? Total = null, string? Item = null);
