using Npgsql;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary>What every table map offers without knowing its record type.</summary>
internal abstract class TableMap(string table, IngestTable id, Type recordType)
{
    /// <summary>The table name without schema, for example <c>stock_prices</c>.</summary>
    public string Table { get; } = table;

    /// <summary>The schema-qualified table name.</summary>
    public string QualifiedTable { get; } = "trading." + table;

    public IngestTable Id { get; } = id;

    public Type RecordType { get; } = recordType;

    /// <summary>Written column names in table order.</summary>
    public abstract IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Columns a CSV header may name although the server assigns them; their values are ignored.</summary>
    public static IReadOnlyList<string> ServerColumns { get; } = ["id", "created_at", "updated_at"];

    public abstract Task<IngestResult> ImportCsvAsync(TradingIngest ingest, Stream utf8, IngestMode mode, IngestOptions options, CancellationToken cancellationToken);

    /// <summary>The written column values of <paramref name="record"/> as CSV text (<see langword="null"/> for NULL), in <see cref="ColumnNames"/> order.</summary>
    public abstract IReadOnlyList<string?> Format(TradingRecord record);
}

/// <summary>
/// The one place that maps a record type to its table: written columns in table order (with their types and rules),
/// the natural key, the latest-snapshot table, row reads, CSV construction and row-level rules. Every statement the
/// ingest path sends is built here from those columns.
/// </summary>
internal abstract class TableMap<T> : TableMap
    where T : TradingRecord
{
    protected TableMap(string table, IngestTable id, Column<T>[] columns, string[] naturalKey, LatestSnapshot<T>? latest)
        : base(table, id, typeof(T))
    {
        Columns = columns;
        NaturalKey = naturalKey;
        Latest = latest;
        ColumnNames = Array.ConvertAll(columns, c => c.Name);
        foreach (var key in naturalKey)
        {
            _ = IndexOf(key);
        }

        ColumnList = string.Join(", ", columns.Select(c => c.Quoted));
        var keyList = string.Join(", ", naturalKey.Select(k => "\"" + k + "\""));
        var nonKey = columns.Where(c => !naturalKey.Contains(c.Name)).ToArray();
        CopySql = $"COPY {QualifiedTable} ({ColumnList}) FROM STDIN (FORMAT BINARY)";
        SelectSql = $"SELECT {ColumnList}, \"id\", \"created_at\", \"updated_at\" FROM {QualifiedTable}";

        StagingTable = "trading_ingest_stage_" + table;
        StagingDdl = $"CREATE TEMP TABLE IF NOT EXISTS {StagingTable} ("
            + string.Join(", ", columns.Select(c => c.Quoted + " " + c.SqlType)) + ") ON COMMIT DELETE ROWS";
        StagingCopySql = $"COPY pg_temp.{StagingTable} ({ColumnList}) FROM STDIN (FORMAT BINARY)";
        KeyComparer = new NaturalKeyComparer<T>(naturalKey.Select(k => columns[IndexOf(k)]).ToArray());

        var update = string.Join(", ", nonKey.Select(c => $"{c.Quoted} = excluded.{c.Quoted}")) + ", \"updated_at\" = now()";
        var changed = $"({string.Join(", ", nonKey.Select(c => "t." + c.Quoted))}) IS DISTINCT FROM ({string.Join(", ", nonKey.Select(c => "excluded." + c.Quoted))})";
        // The staged batch holds one row per key (the input's last), so the merge needs no DISTINCT ON. Rows are
        // merged in key order, so concurrent upserts over the same keys lock them in the same order (no deadlock).
        var keyOrder = $"SET LOCAL work_mem = '64MB';\n";
        MergeSql = $"""
            {keyOrder}INSERT INTO {QualifiedTable} AS t ({ColumnList})
            SELECT {ColumnList} FROM pg_temp.{StagingTable} ORDER BY {keyList}
            ON CONFLICT ({keyList}) DO UPDATE SET {update}
            WHERE {changed}
            """;
        TruncateStagingSql = $"TRUNCATE pg_temp.{StagingTable}";
        InsertFromStagingSql = $"{keyOrder}INSERT INTO {QualifiedTable} ({ColumnList}) SELECT {ColumnList} FROM pg_temp.{StagingTable} ORDER BY {keyList}";
        InsertReturningIdSql = $"""
            INSERT INTO {QualifiedTable} AS t ({ColumnList})
            VALUES ({string.Join(", ", columns.Select((_, i) => "$" + (i + 1)))})
            ON CONFLICT ({keyList}) DO UPDATE SET {update}
            RETURNING "id"
            """;
        latest?.Bind(this);
    }

    /// <summary>Written columns in table order: every column except <c>id</c>, <c>created_at</c> and <c>updated_at</c>.</summary>
    public Column<T>[] Columns { get; }

    public override IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The columns of the table's unique natural key (with <c>timestamp</c>).</summary>
    public string[] NaturalKey { get; }

    /// <summary>Equal when two rows have the same natural key.</summary>
    public NaturalKeyComparer<T> KeyComparer { get; }

    /// <summary>The latest-snapshot table kept current by ingestion, if the table has one.</summary>
    public LatestSnapshot<T>? Latest { get; }

    /// <summary>The written columns, quoted and comma-separated, in table order.</summary>
    public string ColumnList { get; }

    public string CopySql { get; }

    /// <summary>Selects <see cref="ColumnList"/>, then id, created_at and updated_at: the order <see cref="Read"/> expects.</summary>
    public string SelectSql { get; }

    public string StagingTable { get; }

    public string StagingDdl { get; }

    public string StagingCopySql { get; }

    public string MergeSql { get; }

    public string TruncateStagingSql { get; }

    /// <summary>The merge when no staged key exists yet: a plain insert (a unique violation says otherwise).</summary>
    public string InsertFromStagingSql { get; }

    public string InsertReturningIdSql { get; }

    public int IndexOf(string column)
    {
        var index = Array.FindIndex(Columns, c => c.Name == column);
        return index >= 0 ? index : throw new ArgumentException($"{QualifiedTable} has no written column '{column}'.", nameof(column));
    }

    /// <summary>Reads a row selected with <see cref="SelectSql"/> (or the same column order).</summary>
    public abstract T Read(NpgsqlDataReader reader);

    /// <summary>Builds a record from parsed CSV values indexed like <see cref="Columns"/>; required values are present.</summary>
    public abstract T Create(CsvValues values);

    /// <summary>A short human-readable key of the row for messages, for example <c>AAPL 2026-12-18 C 150</c>.</summary>
    public abstract string Describe(T row);

    /// <summary>Rules across columns (OHLC order, bid/ask, expirations...); column rules run first.</summary>
    protected virtual ColumnError? CheckRow(T row, ValidationContext context) => null;

    /// <summary>Returns the first rule <paramref name="row"/> breaks, or <see langword="null"/>.</summary>
    public ColumnError? Validate(T row, ValidationContext context)
    {
        foreach (var column in Columns)
        {
            if (column.Check(row, context) is { } error)
            {
                return error;
            }
        }

        return CheckRow(row, context);
    }

    public override IReadOnlyList<string?> Format(TradingRecord record) => Array.ConvertAll(Columns, c => c.Format((T)record));

    /// <summary>Parses on another thread while this one validates and sends (<see cref="PrefetchRowSource{T}"/>).</summary>
    public override Task<IngestResult> ImportCsvAsync(TradingIngest ingest, Stream utf8, IngestMode mode, IngestOptions options, CancellationToken cancellationToken) =>
        ingest.RunAsync(this, new PrefetchRowSource<T>(new CsvRowSource<T>(this, utf8)), mode, options, cancellationToken);

    // Nullable reads in one call: Npgsql returns null for NULL, without a separate IsDBNull lookup.
    protected static decimal? GetDecimal(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<decimal?>(ordinal);

    protected static long? GetInt64(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<long?>(ordinal);

    protected static double? GetDouble(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<double?>(ordinal);

    protected static NodaTime.Instant? GetInstant(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<NodaTime.Instant?>(ordinal);
}
