using Microsoft.Extensions.Logging;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>What ingestion logs: counts, tables and columns, never row values.</summary>
internal static partial class IngestLog
{
    [LoggerMessage(101, LogLevel.Debug, "Committed {Rows} rows in {Batches} batch(es) to {Table} ({Mode}) in {ElapsedMs} ms")]
    public static partial void Committed(ILogger logger, long rows, int batches, string table, string mode, long elapsedMs);

    [LoggerMessage(102, LogLevel.Warning, "Rejected {Count} invalid row(s) for {Table} ({Mode}); columns: {Columns}")]
    public static partial void Rejected(ILogger logger, long count, string table, string mode, string columns);

    [LoggerMessage(103, LogLevel.Warning, "Ingest into {Table} ({Mode}) failed with {Error} after committing {Rows} rows in {Batches} batch(es)")]
    public static partial void Failed(ILogger logger, string table, string mode, string error, long rows, int batches);

    [LoggerMessage(104, LogLevel.Debug, "{Mode} into {Table}: {Written} rows written, {Rejected} rejected, {Batches} batch(es) in {ElapsedMs} ms")]
    public static partial void Finished(ILogger logger, string mode, string table, long written, long rejected, int batches, long elapsedMs);
}
