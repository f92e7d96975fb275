namespace Trading.Timescale.Operations.Internal;

/// <summary>Filters a <c>pg_restore --list</c> table of contents for <c>pg_restore --use-list</c>.</summary>
internal static class RestoreList
{
    /// <summary>The archive items (lines that are not comments).</summary>
    public static IReadOnlyList<string> Items(string list) =>
        [.. list.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith(';'))];

    /// <summary>
    /// Keeps every item except table data, unless it is one of <paramref name="extensionConfigTables"/> (TimescaleDB's
    /// catalog, from <c>pg_extension.extconfig</c>) or the schema journal.
    /// </summary>
    public static IReadOnlyList<string> SchemaOnly(IEnumerable<string> items, IReadOnlySet<(string Schema, string Table)> extensionConfigTables) =>
        [.. items.Where(item => !IsTableData(item, out var schema, out var table) || extensionConfigTables.Contains((schema, table)) || (schema == "trading" && table == "schema_migrations"))];

    private static bool IsTableData(string item, out string schema, out string table)
    {
        // "4123; 0 16990 TABLE DATA trading stock_prices postgres"
        const string marker = " TABLE DATA ";
        var at = item.IndexOf(marker, StringComparison.Ordinal);
        schema = table = string.Empty;
        if (at < 0)
        {
            return false;
        }

        var parts = item[(at + marker.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2)
        {
            schema = parts[0];
            table = parts[1];
        }

        return true;
    }
}
