namespace Trading.Timescale.Operations;

/// <summary>What a restore did.</summary>
/// <param name="Database">The database restored into.</param>
/// <param name="Kind">What was restored.</param>
/// <param name="Manifest">The manifest of the restored backup.</param>
/// <param name="Created">Whether the database was created (or dropped and recreated) for the restore.</param>
/// <param name="Items">The archive items pg_restore restored, or the tables a portable restore copied.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record RestoreResult(string Database, RestoreKind Kind, BackupManifest Manifest, bool Created, int Items, TimeSpan Elapsed);
