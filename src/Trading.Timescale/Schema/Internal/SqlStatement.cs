namespace Trading.Timescale.Schema.Internal;

/// <summary>One statement of a schema file and the 1-based line it starts on.</summary>
internal sealed record SqlStatement(string Text, int Line);
