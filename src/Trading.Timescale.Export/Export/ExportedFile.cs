namespace Trading.Timescale.Export;

/// <summary>One file of an export.</summary>
/// <param name="Path">The path relative to the export's root, with <c>/</c> separators, such as <c>date=2026-11-30/part-0.parquet</c>.</param>
/// <param name="Rows">The rows in the file.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">The SHA-256 of the file, lower-case hex.</param>
public sealed record ExportedFile(string Path, long Rows, long Bytes, string Sha256);
