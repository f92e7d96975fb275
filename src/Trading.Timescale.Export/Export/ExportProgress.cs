namespace Trading.Timescale.Export;

/// <summary>How far an export is.</summary>
/// <param name="Rows">Rows written so far.</param>
/// <param name="Files">Files completed so far.</param>
/// <param name="Partition">The partition being written, such as <c>date=2026-11-30</c>; <see langword="null"/> before the first row.</param>
public sealed record ExportProgress(long Rows, int Files, string? Partition);
