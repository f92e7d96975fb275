using System.Globalization;

namespace Trading.Timescale.Ingest.Internal;

// Invalid rows: the checks of each row, rows refused under Skip, and the exception under Reject.
internal sealed partial class IngestRun<T>
    where T : TradingRecord
{
    private IngestRowError? Check(T? row, long? line)
    {
        if (row is null)
        {
            return new IngestRowError { RowNumber = _rowsRead, LineNumber = line, Column = "(row)", Reason = "the row is null" };
        }

        var error = _map.Validate(row, _context);
        return error is null
            ? null
            : new IngestRowError
            {
                RowNumber = _rowsRead,
                LineNumber = line,
                Column = error.Column,
                Value = error.Value,
                Reason = error.Reason,
                Key = _map.Describe(row),
                Record = row,
            };
    }

    /// <summary>An invalid row: refused under Skip (<see cref="RejectAsync"/>), else kept for the batch's exception (<see cref="AddInvalid"/>).</summary>
    private ValueTask RefuseAsync(IngestRowError error, ref List<IngestRowError>? invalid, CancellationToken cancellationToken)
    {
        if (_skipInvalid)
        {
            return RejectAsync(error, cancellationToken);
        }

        AddInvalid(ref invalid, error);
        return ValueTask.CompletedTask;
    }

    /// <summary>Counts a row refused under Skip, keeps the first ones and hands every one to the caller's handler.</summary>
    private async ValueTask RejectAsync(IngestRowError error, CancellationToken cancellationToken)
    {
        _rejectedCount++;
        if (_rejected.Count < _options.MaxRejectedRowsKept)
        {
            _rejected.Add(error);
        }

        if (_options.OnRejectedRow is { } handler)
        {
            await handler(error, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts an invalid row of the batch under Reject and keeps the first ones for the exception.</summary>
    private void AddInvalid(ref List<IngestRowError>? invalid, IngestRowError error)
    {
        invalid ??= [];
        _invalidCount++;
        if (invalid.Count < Math.Max(1, _options.MaxRejectedRowsKept))
        {
            invalid.Add(error);
        }
    }

    private IngestValidationException Invalid(List<IngestRowError> errors)
    {
        var first = errors[0].Message;
        var more = _invalidCount > 1
            ? string.Create(CultureInfo.InvariantCulture, $" (and {_invalidCount - 1:N0} more invalid rows in input rows {_batchFirstRow:N0}–{_batchLastRow:N0})")
            : string.Empty;
        return new IngestValidationException(
            $"{first}{more}. Every row is checked before it is sent; nothing of this batch was committed. {Committed()}",
            _map.QualifiedTable, Progress(), _batchNumber, errors);
    }
}
