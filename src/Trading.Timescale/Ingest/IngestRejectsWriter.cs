using System.Globalization;
using System.Text;

namespace Trading.Timescale.Ingest;

/// <summary>
/// Writes refused rows to a CSV file as they are refused: <c>row_number, line_number, error_column, error_value,
/// error_reason</c>, then the row's values under the table's column names. Made for spreadsheets: a value starting
/// with <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c> is prefixed with <c>'</c> so it is not run as a formula (a negative
/// number such as <c>-5</c> is kept as it is), and control characters are removed from messages. Pass
/// <see cref="WriteAsync"/> as <see cref="IngestOptions.OnRejectedRow"/>.
/// </summary>
public sealed class IngestRejectsWriter : IAsyncDisposable
{
    private readonly IngestTable _table;
    private readonly StreamWriter _writer;

    private IngestRejectsWriter(IngestTable table, StreamWriter writer)
    {
        _table = table;
        _writer = writer;
    }

    /// <summary>Rows written so far.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>
    /// Creates (or replaces) the file and writes the header at once, so a path that cannot be written fails before
    /// anything is imported.
    /// </summary>
    /// <param name="table">The table whose rows are refused.</param>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels writing the header.</param>
    /// <returns>The open writer; dispose it to close the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="table"/> is not defined.</exception>
    /// <exception cref="IOException">The file cannot be created or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be written.</exception>
    public static async Task<IngestRejectsWriter> CreateAsync(IngestTable table, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var columns = TradingCsv.ColumnNames(table);
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        try
        {
            string[] header = ["row_number", "line_number", "error_column", "error_value", "error_reason", .. columns];
            await writer.WriteLineAsync(string.Join(',', header).AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new IngestRejectsWriter(table, writer);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Appends one refused row.</summary>
    /// <param name="error">The row.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the row is buffered.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is <see langword="null"/>.</exception>
    public async ValueTask WriteAsync(IngestRowError error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        var line = new StringBuilder();
        Append(line, error.RowNumber.ToString(CultureInfo.InvariantCulture), first: true);
        Append(line, error.LineNumber?.ToString(CultureInfo.InvariantCulture));
        Append(line, Neutralize(error.Column));
        Append(line, Neutralize(StripControl(error.Value)));
        Append(line, Neutralize(StripControl(error.Reason)));
        foreach (var value in TradingCsv.FormatValues(_table, error))
        {
            Append(line, Neutralize(value));
        }

        await _writer.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
        RowsWritten++;
    }

    /// <summary>Flushes and closes the file.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>
    /// Makes a value safe to open in a spreadsheet: one that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab
    /// or a carriage return is prefixed with <c>'</c>, unless it is a plain number (<c>-5</c>, <c>+1.5</c>).
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>The value, prefixed when needed.</returns>
    public static string? Neutralize(string? value)
    {
        if (string.IsNullOrEmpty(value) || value[0] is not ('=' or '+' or '-' or '@' or '\t' or '\r'))
        {
            return value;
        }

        return value[0] is '+' or '-' && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? value
            : "'" + value;
    }

    /// <summary>Removes control characters (terminal escape sequences, bells...), keeping line breaks as spaces.</summary>
    private static string? StripControl(string? value)
    {
        if (value is null || !value.AsSpan().ContainsAnyInRange('\0', '\x1F') && !value.AsSpan().ContainsAnyInRange('\x7F', '\x9F'))
        {
            return value;
        }

        var clean = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\t')
            {
                clean.Append(' ');
            }
            else if (!char.IsControl(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    private static void Append(StringBuilder line, string? value, bool first = false)
    {
        if (!first)
        {
            line.Append(',');
        }

        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            line.Append(value);
        }
    }
}
