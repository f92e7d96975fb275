namespace Trading.Timescale.Schema.Internal;

/// <summary>Quotes a value as a SQL string literal, for scripts that a DBA runs with psql.</summary>
internal static class SqlLiteral
{
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var quoted = value.Replace("'", "''", StringComparison.Ordinal);
        return value.Contains('\\', StringComparison.Ordinal)
            ? "E'" + quoted.Replace("\\", "\\\\", StringComparison.Ordinal) + "'"
            : "'" + quoted + "'";
    }
}
