using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Internal;

/// <summary>
/// The library's traces and metrics, through System.Diagnostics only: one <see cref="ActivitySource"/> and one
/// <see cref="Meter"/>, both named <see cref="Name"/>. Trading.Timescale.OpenTelemetry subscribes to them; the names
/// are documented in docs/observability.md.
/// </summary>
internal static class TradingTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Trading.Timescale";

    public const string MigrateActivity = "trading_timescale.migrate";
    public const string AppendActivity = "trading_timescale.ingest.append";
    public const string UpsertActivity = "trading_timescale.ingest.upsert";
    public const string QueryActivity = "trading_timescale.query";

    public const string RowsIngestedInstrument = "trading_timescale.ingest.rows";
    public const string RowsRejectedInstrument = "trading_timescale.ingest.rows_rejected";
    public const string BatchDurationInstrument = "trading_timescale.ingest.batch.duration";
    public const string QueryDurationInstrument = "trading_timescale.query.duration";
    public const string MigrationsAppliedInstrument = "trading_timescale.schema.migrations_applied";
    public const string RetriesInstrument = "trading_timescale.retries";

    public const string DatabaseTag = "db.namespace";
    public const string TableTag = "trading_timescale.table";
    public const string ModeTag = "trading_timescale.ingest.mode";
    public const string QueryTag = "trading_timescale.query.name";
    public const string OutcomeTag = "trading_timescale.outcome";
    public const string OperationTag = "trading_timescale.operation";
    public const string ErrorTypeTag = "error.type";

    public static readonly ActivitySource Source = new(Name, ProductInfo.Version);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NpgsqlDataSource, string> Databases = new();

    public static readonly Meter Meter = new(Name, ProductInfo.Version);

    public static readonly Counter<long> RowsIngested = Meter.CreateCounter<long>(
        RowsIngestedInstrument, "{row}", "Rows committed by append and upsert calls.");

    public static readonly Counter<long> RowsRejected = Meter.CreateCounter<long>(
        RowsRejectedInstrument, "{row}", "Invalid rows refused by append and upsert calls (skipped, or failing their batch).");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        BatchDurationInstrument, "s", "Time from the start of an ingest transaction's first batch to its commit.");

    public static readonly Histogram<double> QueryDuration = Meter.CreateHistogram<double>(
        QueryDurationInstrument, "s", "Time a read took, from sending it to reading its last row.");

    public static readonly Counter<long> MigrationsApplied = Meter.CreateCounter<long>(
        MigrationsAppliedInstrument, "{file}", "Schema files applied by migrate.");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        RetriesInstrument, "{retry}", "Attempts run again after a transient failure (lost connection, server restart, serialization failure, deadlock).");

    /// <summary>Counts one retry of <paramref name="operation"/> after <paramref name="errorType"/> (an SQLSTATE or an exception type).</summary>
    public static void RecordRetry(string operation, string errorType, NpgsqlDataSource? dataSource) =>
        Retries.Add(1, new(OperationTag, operation), new(ErrorTypeTag, errorType), new(DatabaseTag, dataSource is null ? null : DatabaseOf(dataSource)));

    /// <summary>Starts the span of a migrate call, or returns <see langword="null"/> when nobody listens.</summary>
    public static Activity? StartMigrate(NpgsqlDataSource dataSource)
    {
        var activity = Source.StartActivity(MigrateActivity, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("db.system", "postgresql");
            activity.SetTag(DatabaseTag, DatabaseOf(dataSource));
        }

        return activity;
    }

    /// <summary>Records the schema files a migrate call applied.</summary>
    public static void RecordMigrated(Activity? activity, int applied)
    {
        activity?.SetTag("trading_timescale.schema.applied", applied);
        if (applied > 0)
        {
            MigrationsApplied.Add(applied);
        }
    }

    /// <summary>Starts the span of an append or upsert call.</summary>
    public static Activity? StartIngest(NpgsqlDataSource dataSource, string table, IngestMode mode)
    {
        var activity = Source.StartActivity(mode == IngestMode.Upsert ? UpsertActivity : AppendActivity, ActivityKind.Internal);
        activity?.SetTag("db.system", "postgresql");
        activity?.SetTag(DatabaseTag, DatabaseOf(dataSource));
        activity?.SetTag(TableTag, table);
        activity?.SetTag(ModeTag, ModeName(mode));
        return activity;
    }

    /// <summary>
    /// Starts the span of a read; <paramref name="name"/> is a fixed name such as <c>trading.stock_prices.range</c>, never a
    /// value. Pair it with <see cref="RecordQueryDuration"/>, or use <see cref="QueryScope"/> for both.
    /// </summary>
    public static Activity? StartQuery(string name, NpgsqlDataSource? dataSource = null)
    {
        var activity = Source.StartActivity(QueryActivity + " " + name, ActivityKind.Internal);
        activity?.SetTag("db.system", "postgresql");
        if (activity is not null && dataSource is not null)
        {
            activity.SetTag(DatabaseTag, DatabaseOf(dataSource));
        }

        activity?.SetTag(QueryTag, name);
        return activity;
    }

    /// <summary>Records how long a read took.</summary>
    public static void RecordQueryDuration(string name, TimeSpan elapsed, bool succeeded = true, NpgsqlDataSource? dataSource = null) =>
        QueryDuration.Record(elapsed.TotalSeconds, new(QueryTag, name), new(OutcomeTag, succeeded ? "ok" : "incomplete"),
            new(DatabaseTag, dataSource is null ? null : DatabaseOf(dataSource)));

    /// <summary>Records a committed ingest transaction.</summary>
    public static void RecordCommit(NpgsqlDataSource dataSource, string table, IngestMode mode, long rows, TimeSpan elapsed)
    {
        var databaseTag = new KeyValuePair<string, object?>(DatabaseTag, DatabaseOf(dataSource));
        var tableTag = new KeyValuePair<string, object?>(TableTag, table);
        var modeTag = new KeyValuePair<string, object?>(ModeTag, ModeName(mode));
        RowsIngested.Add(rows, databaseTag, tableTag, modeTag);
        BatchDuration.Record(elapsed.TotalSeconds, databaseTag, tableTag, modeTag);
    }

    /// <summary>Records rows refused by validation.</summary>
    public static void RecordRejected(NpgsqlDataSource dataSource, string table, IngestMode mode, long rows)
    {
        if (rows > 0)
        {
            RowsRejected.Add(rows, new(DatabaseTag, DatabaseOf(dataSource)), new(TableTag, table), new(ModeTag, ModeName(mode)));
        }
    }

    /// <summary>The database name of <paramref name="dataSource"/>, read from its connection string once.</summary>
    public static string DatabaseOf(NpgsqlDataSource dataSource) =>
        Databases.GetValue(dataSource, static source => new NpgsqlConnectionStringBuilder(source.ConnectionString).Database ?? string.Empty);

    /// <summary>
    /// Marks <paramref name="activity"/> as failed with the exception's type only: messages of validation errors quote
    /// row values, which never leave the process through telemetry.
    /// </summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        var type = exception.GetType().FullName;
        activity.SetStatus(ActivityStatusCode.Error, type);
        activity.SetTag("error.type", type);
    }

    public static string ModeName(IngestMode mode) => mode == IngestMode.Upsert ? "upsert" : "append";
}
