using System.Globalization;

namespace Trading.Timescale.Ingest;

/// <summary>A row that was refused: where it is in the input, which column, its value and why.</summary>
public sealed class IngestRowError
{
    /// <summary>The row's position in the input, from 1 (for CSV: the data record, not counting the header).</summary>
    public required long RowNumber { get; init; }

    /// <summary>For CSV input: the line the record starts on (the header is line 1); otherwise <see langword="null"/>.</summary>
    public long? LineNumber { get; init; }

    /// <summary>The column the rule concerns, for example <c>bid_price</c>.</summary>
    public required string Column { get; init; }

    /// <summary>The offending value as invariant text; <see langword="null"/> when it is missing.</summary>
    public string? Value { get; init; }

    /// <summary>What is wrong, naming column and value, for example <c>bid_price 12.40 &gt; ask_price 12.10</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The row's key, for example <c>AAPL 2026-12-18 C 150</c>; <see langword="null"/> when it could not be read.</summary>
    public string? Key { get; init; }

    /// <summary>The refused record; <see langword="null"/> when the input could not be turned into one (CSV).</summary>
    public TradingRecord? Record { get; init; }

    /// <summary>
    /// For a CSV row that could not be turned into a record: the raw field text, one per written column of the table
    /// in <see cref="TradingCsv.ColumnNames(IngestTable)"/> order (<see langword="null"/> when absent); otherwise
    /// <see langword="null"/> (see <see cref="Record"/>).
    /// </summary>
    public IReadOnlyList<string?>? Values { get; init; }

    /// <summary>The full message, for example <c>row 1,204: bid_price 12.40 &gt; ask_price 12.10 for AAPL 2026-12-18 C 150</c>.</summary>
    public string Message
    {
        get
        {
            var where = LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $"row {RowNumber:N0} (line {line:N0})")
                : string.Create(CultureInfo.InvariantCulture, $"row {RowNumber:N0}");
            return Key is null ? $"{where}: {Reason}" : $"{where}: {Reason} for {Key}";
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Message;
}
