namespace Trading.Timescale.Export;

/// <summary>A completed export.</summary>
/// <param name="Output">Where it was written: a directory or an <c>s3://bucket/prefix</c> location.</param>
/// <param name="Files">The data files, in the order written; empty when the range had no rows.</param>
/// <param name="Rows">The rows over all files.</param>
/// <param name="Columns">The column names, in file order.</param>
/// <param name="ManifestPath">The manifest (<c>_manifest.json</c>) beside the partitions.</param>
public sealed record ExportResult(string Output, IReadOnlyList<ExportedFile> Files, long Rows, IReadOnlyList<string> Columns, string ManifestPath);
