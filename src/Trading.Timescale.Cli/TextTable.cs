namespace Trading.Timescale.Cli;

/// <summary>Writes rows as left-aligned columns with a header, for people.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params string?[] cells) => _rows.Add([.. cells.Select(c => c ?? "-")]);

    public async Task WriteAsync(TextWriter writer)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        await writer.WriteLineAsync(Format(headers, widths)).ConfigureAwait(false);
        foreach (var row in _rows)
        {
            await writer.WriteLineAsync(Format(row, widths)).ConfigureAwait(false);
        }
    }

    private static string Format(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
