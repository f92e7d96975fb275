using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Ingest.Internal;

// What a run reports: its progress, and what it was doing and had committed when it failed.
internal sealed partial class IngestRun<T>
    where T : TradingRecord
{
    private IngestProgress Progress() =>
        new(_rowsRead, _rowsCommitted, _batchesCommitted, _rejectedCount, _committedThroughRow, _rowsInDoubt);

    private string Doing() => _phase switch
    {
        Phase.Connecting => "opening a connection",
        Phase.Reading => string.Create(CultureInfo.InvariantCulture, $"reading input row {_rowsRead + 1:N0}"),
        Phase.Writing => string.Create(CultureInfo.InvariantCulture, $"writing batch {_batchNumber} (input rows {_batchFirstRow:N0}–{_batchLastRow:N0})"),
        Phase.UpdatingLatest => $"updating {_map.Latest?.QualifiedTable}",
        _ => string.Create(CultureInfo.InvariantCulture, $"committing batch {_batchNumber}"),
    };

    private string Committed()
    {
        string text;
        if (!_perBatch)
        {
            text = "Nothing was written: the call runs in one transaction (IngestTransactionMode.SingleTransaction), which was rolled back.";
        }
        else if (_batchesCommitted == 0)
        {
            text = "Nothing was committed.";
        }
        else
        {
            text = string.Create(CultureInfo.InvariantCulture,
                $"Committed before it: {_rowsCommitted:N0} rows in {_batchesCommitted:N0} batches (input rows 1–{_committedThroughRow:N0}); resume after row {_committedThroughRow:N0}.");
        }

        return _rowsInDoubt > 0
            ? text + string.Create(CultureInfo.InvariantCulture,
                $" The connection was lost during the COMMIT of batch {_batchNumber} ({_rowsInDoubt:N0} rows, input rows {_batchFirstRow:N0}–{_batchLastRow:N0}): those rows may or may not be committed; check the table before resending them.")
            : text;
    }

    private string Describe(Exception ex)
    {
        var what = ex switch
        {
            _ when _phase != Phase.Reading && (TransientRetry.IsBrokenConnection(ex) || ConnectionBroken(ex)) =>
                $"the connection to {TradingConnectionString.Where(_dataSource.ConnectionString)} {(_phase == Phase.Connecting ? "could not be opened" : "was lost")}: {TransientRetry.Describe(ex).TrimEnd('.')}.",
            PostgresException pg => PostgresErrors.Describe(pg, withDetail: !TransientRetry.IsTransient(pg)) + ".",
            _ => ex.Message.EndsWith('.') ? ex.Message : ex.Message + ".",
        };
        if (_cancellation.IsCancellationRequested || _phase == Phase.Reading || !(TransientRetry.IsTransient(ex) || ConnectionBroken(ex)))
        {
            return what;
        }

        return what + (_priorBatches > 0
            ? " The transaction held earlier batches that are no longer in memory, so the batch could not be run again; IngestTransactionMode.TransactionPerBatch lets each batch be retried."
            : string.Create(CultureInfo.InvariantCulture, $" The batch was tried {_attempts} time(s), the retry budget (TradingTimescale:Retry, IngestOptions.MaxRetries) allowing no more; retry the call later."));
    }

    /// <summary>Maps the server's "COPY table, line N" context back to the input row number.</summary>
    private static long? CopyRow(Exception ex, long[] rowNumbers, int count)
    {
        if (ex is PostgresException { Where: { } where } && CopyLine().Match(where) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            && line >= 1 && line <= count)
        {
            return rowNumbers[line - 1];
        }

        return null;
    }

    [GeneratedRegex(@"COPY [^,]+, line (\d+)")]
    private static partial Regex CopyLine();
}
