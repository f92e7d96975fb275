using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// A latest-snapshot table: the same written columns as its hypertable, one row per key (its primary key) holding
/// the newest row. Ingestion upserts it in the batch's transaction; the statements are built here.
/// </summary>
internal sealed class LatestSnapshot<T>(string table, string keyColumn, Func<T, string> key)
    where T : TradingRecord
{
    /// <summary>The table name without schema, for example <c>latest_stock_prices</c>.</summary>
    public string Table { get; } = table;

    public string QualifiedTable { get; } = "trading." + table;

    public string KeyColumn { get; } = keyColumn;

    public Func<T, string> Key { get; } = key;

    /// <summary>
    /// Upserts the rows copied into the map's staging table, in key order, keeping a row only if it is not older, and
    /// empties the staging table; the statement's row count is the snapshot rows inserted or changed.
    /// </summary>
    public string FlushFromStagingSql { get; private set; } = string.Empty;

    /// <summary>Replaces the whole snapshot with the newest row per key of the hypertable.</summary>
    public string[] RebuildSql { get; private set; } = [];

    /// <summary>Merges the newest row per key among hypertable rows at or after <c>$1</c>.</summary>
    public string MergeSinceSql { get; private set; } = string.Empty;

    /// <summary>Selects the snapshot in the order <see cref="TableMap{T}.Read"/> expects.</summary>
    public string SelectSql { get; private set; } = string.Empty;

    public void Bind(TableMap<T> map)
    {
        var columns = map.Columns;
        var keyQuoted = "\"" + KeyColumn + "\"";
        var others = columns.Where(c => c.Name != KeyColumn).ToArray();
        var update = string.Join(", ", others.Select(c => $"{c.Quoted} = excluded.{c.Quoted}")) + ", \"updated_at\" = now()";
        var newer = $"""
            WHERE excluded."timestamp" > l."timestamp"
               OR (excluded."timestamp" = l."timestamp"
                   AND ({string.Join(", ", others.Select(c => "l." + c.Quoted))}) IS DISTINCT FROM ({string.Join(", ", others.Select(c => "excluded." + c.Quoted))}))
            """;
        // Emptying the staging table in the same statement keeps the catalog untouched (TRUNCATE would give the
        // temporary table a new file on every flush); its rows' space is reclaimed at commit (ON COMMIT DELETE ROWS).
        FlushFromStagingSql = $"""
            WITH staged AS (DELETE FROM pg_temp.{map.StagingTable} RETURNING {map.ColumnList})
            INSERT INTO {QualifiedTable} AS l ({map.ColumnList})
            SELECT {map.ColumnList} FROM staged ORDER BY {keyQuoted}
            ON CONFLICT ({keyQuoted}) DO UPDATE SET {update}
            {newer}
            """;
        RebuildSql =
        [
            $"LOCK TABLE {QualifiedTable} IN SHARE ROW EXCLUSIVE MODE",
            $"DELETE FROM {QualifiedTable}",
            $"""
            INSERT INTO {QualifiedTable} ({map.ColumnList}, "created_at", "updated_at")
            SELECT DISTINCT ON ({keyQuoted}) {map.ColumnList}, "created_at", "updated_at"
            FROM {map.QualifiedTable} ORDER BY {keyQuoted}, "timestamp" DESC
            """,
        ];
        MergeSinceSql = $"""
            INSERT INTO {QualifiedTable} AS l ({map.ColumnList})
            SELECT DISTINCT ON ({keyQuoted}) {map.ColumnList}
            FROM {map.QualifiedTable} WHERE "timestamp" >= $1 ORDER BY {keyQuoted}, "timestamp" DESC
            ON CONFLICT ({keyQuoted}) DO UPDATE SET {update}
            {newer}
            """;
        SelectSql = $"SELECT {map.ColumnList}, NULL::bigint AS \"id\", \"created_at\", \"updated_at\" FROM {QualifiedTable}";
    }
}
