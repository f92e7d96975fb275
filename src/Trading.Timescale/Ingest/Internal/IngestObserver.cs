using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>Logs and records the outcome of one append or upsert call; row values never reach a log or a span.</summary>
internal static class IngestObserver
{
    public static void Committed(ILogger logger, NpgsqlDataSource dataSource, string table, IngestMode mode, long rows, int batches, TimeSpan elapsed)
    {
        TradingTelemetry.RecordCommit(dataSource, table, mode, rows, elapsed);
        IngestLog.Committed(logger, rows, batches, table, TradingTelemetry.ModeName(mode), (long)elapsed.TotalMilliseconds);
    }

    public static void Finished(ILogger logger, NpgsqlDataSource dataSource, Activity? activity, IngestResult result)
    {
        var mode = TradingTelemetry.ModeName(result.Mode);
        TradingTelemetry.RecordRejected(dataSource, result.Table, result.Mode, result.RowsRejected);
        if (activity is not null)
        {
            activity.SetTag("trading_timescale.ingest.rows_read", result.RowsRead);
            activity.SetTag("trading_timescale.ingest.rows_written", result.RowsWritten);
            activity.SetTag("trading_timescale.ingest.rows_rejected", result.RowsRejected);
            activity.SetTag("trading_timescale.ingest.batches", result.Batches);
        }

        if (result.RowsRejected > 0)
        {
            IngestLog.Rejected(logger, result.RowsRejected, result.Table, mode, Columns(result.Rejected));
        }

        IngestLog.Finished(logger, mode, result.Table, result.RowsWritten, result.RowsRejected, result.Batches, (long)result.Elapsed.TotalMilliseconds);
    }

    public static void Failed(ILogger logger, NpgsqlDataSource dataSource, Activity? activity, IngestMode mode, TradingIngestException exception)
    {
        var modeName = TradingTelemetry.ModeName(mode);
        TradingTelemetry.Fail(activity, exception);
        activity?.SetTag("trading_timescale.ingest.rows_written", exception.Progress.RowsCommitted);
        if (exception is IngestValidationException invalid)
        {
            TradingTelemetry.RecordRejected(dataSource, exception.Table, mode, invalid.Errors.Count);
            IngestLog.Rejected(logger, invalid.Errors.Count, exception.Table, modeName, Columns(invalid.Errors));
        }

        IngestLog.Failed(logger, exception.Table, modeName, exception.GetType().Name, exception.Progress.RowsCommitted, exception.Progress.BatchesCommitted);
    }

    private static string Columns(IReadOnlyList<IngestRowError> errors) =>
        string.Join(", ", errors.Select(e => e.Column).Distinct(StringComparer.Ordinal).Take(10));
}
