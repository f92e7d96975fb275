namespace Trading.Timescale.Operations.Internal;

/// <summary>Quotes SQL identifiers and pg_dump name patterns.</summary>
internal static class PgIdentifier
{
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>An exact pg_dump <c>--table</c> pattern: quoted, so nothing in it is a wildcard or case-folded.</summary>
    public static string Pattern(string schema, string table) => Quote(schema) + "." + Quote(table);
}
