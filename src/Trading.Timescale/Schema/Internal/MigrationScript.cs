namespace Trading.Timescale.Schema.Internal;

/// <summary>A schema file chosen for one edition, ready to run.</summary>
/// <param name="Id">The migration id, the file name without edition and extension (<c>0001_schema</c>).</param>
/// <param name="Kind">Versioned or repeatable.</param>
/// <param name="Path">The path below schema/, for example <c>migrations/0001_schema.sql</c>.</param>
/// <param name="Text">The file's text with line endings normalised to \n.</param>
/// <param name="NoTransaction">Whether the file's first line is <c>-- trading:no-transaction</c>.</param>
/// <param name="Checksum">The SHA-256 checksum (for repeatable scripts, including the settings).</param>
internal sealed record MigrationScript(string Id, SchemaMigrationKind Kind, string Path, string Text, bool NoTransaction, string Checksum)
{
    public string KindName => Kind == SchemaMigrationKind.Versioned ? "versioned" : "repeatable";
}
