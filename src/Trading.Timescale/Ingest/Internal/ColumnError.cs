namespace Trading.Timescale.Ingest.Internal;

/// <summary>One broken rule: the column, its value as text, and a reason that names both.</summary>
internal sealed record ColumnError(string Column, string? Value, string Reason);
