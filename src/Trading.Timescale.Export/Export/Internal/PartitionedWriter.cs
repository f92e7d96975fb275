using NodaTime;
using Npgsql;

namespace Trading.Timescale.Export;

/// <summary>
/// Routes rows (column 0 the timestamp, column 1 the symbol), which arrive in date order, to one open file per
/// partition of the current date. When the next date starts, the finished date's files are encoded, closed and hashed
/// in the background while the new date's rows are read; at most one date is completing at a time, so memory holds
/// two dates' row groups at most.
/// </summary>
internal sealed class PartitionedWriter(
    string root, IReadOnlyList<ExportColumn> columns, ExportDestination destination, IProgress<ExportProgress>? progress) : IAsyncDisposable
{
    private readonly Dictionary<string, PartitionFile> _open = new(StringComparer.Ordinal);
    private readonly List<ExportedFile> _files = [];
    private readonly ColumnBufferPool _buffers = new(columns);
    private LocalDate? _date;
    private Instant _dayStart = Instant.MaxValue;
    private Instant _dayEnd = Instant.MinValue;
    private string _dateDirectory = string.Empty;
    private PartitionFile? _single;
    private long _rows;
    private string? _partition;
    private Task<ExportedFile[]>? _completing;

    public IReadOnlyList<ExportedFile> Files => _files;

    public long Rows => _rows;

    /// <summary>Adds a row whose values are not checked yet.</summary>
    public async Task AddAsync(object?[] row, CancellationToken cancellationToken)
    {
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = columns[i].Check(row[i]);
        }

        var file = await FileForAsync((Instant)row[0]!, (string)row[1]!, cancellationToken).ConfigureAwait(false);
        await file.AddAsync(row, cancellationToken).ConfigureAwait(false);
        Added();
    }

    /// <summary>
    /// Adds the current row of a reader whose columns are the export's columns in order (read with sequential access):
    /// the values go from the reader into the file's column buffers without an intermediate row.
    /// </summary>
    public ValueTask AddAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var at = reader.GetFieldValue<Instant?>(0) ?? throw columns[0].Missing();
        var symbol = reader.IsDBNull(1) ? throw columns[1].Missing() : reader.GetString(1);
        // The common case, a row of the current date without symbol partitions, goes to the file at hand without awaiting.
        if (_single is { } single && at >= _dayStart && at < _dayEnd)
        {
            Added();
            return single.AddAsync(reader, at, symbol, cancellationToken);
        }

        return AddToFileAsync(reader, at, symbol, cancellationToken);
    }

    private async ValueTask AddToFileAsync(NpgsqlDataReader reader, Instant at, string symbol, CancellationToken cancellationToken)
    {
        var file = await FileForAsync(at, symbol, cancellationToken).ConfigureAwait(false);
        Added();
        await file.AddAsync(reader, at, symbol, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PartitionFile> FileForAsync(Instant at, string symbol, CancellationToken cancellationToken)
    {
        if (at < _dayStart || at >= _dayEnd)
        {
            var date = at.InUtc().Date;
            if (_date is { } current && date < current)
            {
                throw new InvalidOperationException($"export rows arrived out of date order ({date} after {current}).");
            }

            await CloseOpenAsync(background: true, cancellationToken).ConfigureAwait(false);
            _date = date;
            _dayStart = date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
            _dayEnd = date == LocalDate.MaxIsoValue ? Instant.MaxValue : date.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
            _dateDirectory = PartitionFile.DatePartition(at);
        }

        // Without symbol partitions a date has one file, kept at hand; with them, one file per symbol of the date.
        var file = destination.PartitionBySymbol ? null : _single;
        if (file is null)
        {
            var directory = _dateDirectory + (destination.PartitionBySymbol ? "symbol=" + SymbolPath(symbol) + "/" : string.Empty);
            if (!_open.TryGetValue(directory, out file))
            {
                file = await PartitionFile.OpenAsync(root, directory, columns, _buffers, destination.Format, destination.RowGroupSize, cancellationToken).ConfigureAwait(false);
                _open.Add(directory, file);
                _partition = directory.TrimEnd('/');
            }

            _single = destination.PartitionBySymbol ? null : file;
        }

        return file;
    }

    private void Added()
    {
        if (++_rows % 10_000 == 0)
        {
            progress?.Report(new ExportProgress(_rows, _files.Count, _partition));
        }
    }

    public async Task<IReadOnlyList<ExportedFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        await CloseOpenAsync(background: false, cancellationToken).ConfigureAwait(false);
        progress?.Report(new ExportProgress(_rows, _files.Count, _partition));
        return _files;
    }

    public async ValueTask DisposeAsync()
    {
        if (_completing is not null)
        {
            // Only reached after a failure or cancellation: the export is abandoned and its staging directory removed.
            await _completing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            _completing = null;
        }

        foreach (var file in _open.Values)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }

    /// <summary>
    /// Completes the open files: in the background (collected before the next completion starts, or at the end), or at
    /// once. Files are listed in date order, and within a date in partition order.
    /// </summary>
    private async Task CloseOpenAsync(bool background, CancellationToken cancellationToken)
    {
        await CollectCompletedAsync().ConfigureAwait(false);
        var files = _open.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray();
        _open.Clear();
        _single = null;
        if (files.Length == 0)
        {
            return;
        }

        _completing = Task.Run(() => CompleteAllAsync(files, cancellationToken), cancellationToken);
        if (!background)
        {
            await CollectCompletedAsync().ConfigureAwait(false);
        }
    }

    private async Task CollectCompletedAsync()
    {
        if (_completing is { } completing)
        {
            _completing = null;
            _files.AddRange(await completing.ConfigureAwait(false));
        }
    }

    private static async Task<ExportedFile[]> CompleteAllAsync(PartitionFile[] files, CancellationToken cancellationToken)
    {
        var done = new ExportedFile[files.Length];
        try
        {
            for (var i = 0; i < files.Length; i++)
            {
                done[i] = await files[i].CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var file in files)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        return done;
    }

    // Hive partition values are URL-style escaped; tickers such as BRK.B stay readable.
    private static string SymbolPath(string symbol) => Uri.EscapeDataString(symbol);
}
