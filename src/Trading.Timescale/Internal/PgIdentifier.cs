namespace Trading.Timescale.Internal;

/// <summary>The one way identifiers reach SQL text: double-quoted, with embedded quotes doubled; and pg_dump name patterns.</summary>
internal static class PgIdentifier
{
    /// <summary>A double-quoted SQL identifier.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>An exact pg_dump <c>--table</c> pattern: quoted, so nothing in it is a wildcard or case-folded.</summary>
    public static string Pattern(string schema, string table) => Quote(schema) + "." + Quote(table);
}
