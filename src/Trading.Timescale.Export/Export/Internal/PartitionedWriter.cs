using NodaTime;

namespace Trading.Timescale.Export;

/// <summary>
/// Routes rows (column 0 the timestamp, column 1 the symbol), which arrive in date order, to one open file per
/// partition of the current date; the files of a date are completed when the next date starts.
/// </summary>
internal sealed class PartitionedWriter(
    string root, IReadOnlyList<ExportColumn> columns, ExportDestination destination, IProgress<ExportProgress>? progress) : IAsyncDisposable
{
    private readonly Dictionary<string, PartitionFile> _open = new(StringComparer.Ordinal);
    private readonly List<ExportedFile> _files = [];
    private LocalDate? _date;
    private Instant _dayStart = Instant.MaxValue;
    private Instant _dayEnd = Instant.MinValue;
    private string _dateDirectory = string.Empty;
    private PartitionFile? _single;
    private long _rows;
    private string? _partition;

    public IReadOnlyList<ExportedFile> Files => _files;

    public long Rows => _rows;

    public async Task AddAsync(object?[] row, CancellationToken cancellationToken)
    {
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = columns[i].Check(row[i]);
        }

        var at = (Instant)row[0]!;
        if (at < _dayStart || at >= _dayEnd)
        {
            var date = at.InUtc().Date;
            if (_date is { } current && date < current)
            {
                throw new InvalidOperationException($"export rows arrived out of date order ({date} after {current}).");
            }

            await CloseOpenAsync(cancellationToken).ConfigureAwait(false);
            _date = date;
            _dayStart = date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
            _dayEnd = date == LocalDate.MaxIsoValue ? Instant.MaxValue : date.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
            _dateDirectory = PartitionFile.DatePartition(at);
        }

        // Without symbol partitions a date has one file, kept at hand; with them, one file per symbol of the date.
        var file = destination.PartitionBySymbol ? null : _single;
        if (file is null)
        {
            var directory = _dateDirectory + (destination.PartitionBySymbol ? "symbol=" + SymbolPath((string)row[1]!) + "/" : string.Empty);
            if (!_open.TryGetValue(directory, out file))
            {
                file = await PartitionFile.OpenAsync(root, directory, columns, destination.Format, destination.RowGroupSize, cancellationToken).ConfigureAwait(false);
                _open.Add(directory, file);
                _partition = directory.TrimEnd('/');
            }

            _single = destination.PartitionBySymbol ? null : file;
        }

        await file.AddAsync(row, cancellationToken).ConfigureAwait(false);
        if (++_rows % 10_000 == 0)
        {
            progress?.Report(new ExportProgress(_rows, _files.Count, _partition));
        }
    }

    public async Task<IReadOnlyList<ExportedFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        await CloseOpenAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report(new ExportProgress(_rows, _files.Count, _partition));
        return _files;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _open.Values)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }

    private async Task CloseOpenAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, file) in _open.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _files.Add(await file.CompleteAsync(cancellationToken).ConfigureAwait(false));
            await file.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
        _single = null;
    }

    // Hive partition values are URL-style escaped; tickers such as BRK.B stay readable.
    private static string SymbolPath(string symbol) => Uri.EscapeDataString(symbol);
}
