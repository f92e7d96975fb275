using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>One row of the schema journal (<c>trading.schema_migrations</c>) at the time of a backup.</summary>
/// <param name="Id">The migration id, for example <c>0002_tables</c>.</param>
/// <param name="Kind"><c>versioned</c> or <c>repeatable</c>.</param>
/// <param name="Edition">The edition the file was chosen for.</param>
/// <param name="FileName">The schema file.</param>
/// <param name="Checksum">The SHA-256 of the file as applied.</param>
/// <param name="AppliedAt">When it was applied.</param>
public sealed record BackupJournalEntry(string Id, string Kind, string Edition, string FileName, string Checksum, Instant AppliedAt);
