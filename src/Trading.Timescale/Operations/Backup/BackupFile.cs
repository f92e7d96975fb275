namespace Trading.Timescale.Operations;

/// <summary>A verified backup on disk: the dump, its manifest beside it, and what the manifest says.</summary>
/// <param name="DumpPath">The full path of the custom-format dump.</param>
/// <param name="ManifestPath">The full path of the manifest.</param>
/// <param name="Manifest">The manifest.</param>
public sealed record BackupFile(string DumpPath, string ManifestPath, BackupManifest Manifest);
