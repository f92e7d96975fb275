namespace Trading.Timescale.Schema.Internal;

/// <summary>A schema file: its path below schema/ (for example <c>migrations/0001_schema.sql</c>) and its text.</summary>
internal sealed record SchemaFile(string Path, string Text);
