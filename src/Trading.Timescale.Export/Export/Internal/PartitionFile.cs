using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace Trading.Timescale.Export;

/// <summary>One data file being written: rows go in, row groups go out when full.</summary>
internal abstract class PartitionFile : IAsyncDisposable
{
    protected PartitionFile(string root, string relativePath)
    {
        RelativePath = relativePath;
        FullPath = Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(FullPath)!);
        Stream = new FileStream(FullPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
    }

    public string RelativePath { get; }

    public long Rows { get; private set; }

    protected string FullPath { get; }

    protected FileStream Stream { get; }

    public static async Task<PartitionFile> OpenAsync(
        string root, string relativeDirectory, IReadOnlyList<ExportColumn> columns, ColumnBufferPool buffers, ExportFormat format, int rowGroupSize,
        CancellationToken cancellationToken)
    {
        if (format == ExportFormat.Csv)
        {
            return new CsvFile(root, relativeDirectory + "part-0.csv", columns);
        }

        var file = new ParquetFile(root, relativeDirectory + "part-0.parquet", buffers, rowGroupSize);
        await file.StartAsync(cancellationToken).ConfigureAwait(false);
        return file;
    }

    public async Task AddAsync(object?[] row, CancellationToken cancellationToken)
    {
        await WriteRowAsync(row, cancellationToken).ConfigureAwait(false);
        Rows++;
    }

    /// <summary>
    /// Adds the reader's current row, whose first two columns (read already) are <paramref name="at"/> and <paramref name="symbol"/>;
    /// completes at once unless a full row group has to wait for the one before it.
    /// </summary>
    public ValueTask AddAsync(NpgsqlDataReader reader, Instant at, string symbol, CancellationToken cancellationToken)
    {
        Rows++;
        return WriteRowAsync(reader, at, symbol, cancellationToken);
    }

    /// <summary>Writes what is buffered, closes the file and returns its entry.</summary>
    public async Task<ExportedFile> CompleteAsync(CancellationToken cancellationToken)
    {
        await FinishAsync(cancellationToken).ConfigureAwait(false);
        await Stream.DisposeAsync().ConfigureAwait(false);
        var bytes = new FileInfo(FullPath).Length;
        string sha;
        var read = File.OpenRead(FullPath);
        await using (read.ConfigureAwait(false))
        {
            sha = Convert.ToHexString(await SHA256.HashDataAsync(read, cancellationToken).ConfigureAwait(false)).ToLowerInvariant();
        }

        return new ExportedFile(RelativePath, Rows, bytes, sha);
    }

    public virtual async ValueTask DisposeAsync() => await Stream.DisposeAsync().ConfigureAwait(false);

    protected abstract Task WriteRowAsync(object?[] row, CancellationToken cancellationToken);

    protected abstract ValueTask WriteRowAsync(NpgsqlDataReader reader, Instant at, string symbol, CancellationToken cancellationToken);

    protected abstract Task FinishAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Rows fill one set of column buffers while the previous row group is encoded from the other set in the background;
    /// row groups are written in order.
    /// </summary>
    private sealed class ParquetFile(string root, string relativePath, ColumnBufferPool pool, int rowGroupSize)
        : PartitionFile(root, relativePath)
    {
        private ColumnBuffer[]? _buffers;
        private ColumnBuffer[]? _spare;
        private ParquetWriter? _writer;
        private Task? _writing;
        private int _buffered;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _buffers = pool.Rent();
            var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
            _writer = await ParquetWriter.CreateAsync(new ParquetSchema(pool.Fields), Stream, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            if (_writing is not null)
            {
                await _writing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
                _writing = null;
            }

            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }

            // No encoding runs any more: the buffers go back for the next file.
            pool.Return(_buffers);
            pool.Return(_spare);

            (_buffers, _spare) = (null, null);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override async Task WriteRowAsync(object?[] row, CancellationToken cancellationToken)
        {
            var buffers = _buffers!;
            for (var i = 0; i < buffers.Length; i++)
            {
                buffers[i].Add(row[i]);
            }

            if (++_buffered == rowGroupSize)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        protected override ValueTask WriteRowAsync(NpgsqlDataReader reader, Instant at, string symbol, CancellationToken cancellationToken)
        {
            var buffers = _buffers!;
            ((ColumnBuffer.ValueBuffer<DateTime>)buffers[0]).AddValue(at.ToDateTimeUtc());
            ((ColumnBuffer.StringBuffer)buffers[1]).AddValue(symbol);
            for (var i = 2; i < buffers.Length; i++)
            {
                buffers[i].Read(reader, i);
            }

            return ++_buffered == rowGroupSize ? new ValueTask(FlushAsync(cancellationToken)) : default;
        }

        protected override async Task FinishAsync(CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await WaitWritingAsync().ConfigureAwait(false);
            await _writer!.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_buffered == 0)
            {
                return;
            }

            await WaitWritingAsync().ConfigureAwait(false);
            var (full, count) = (_buffers!, _buffered);
            _buffers = _spare ?? pool.Rent();
            _spare = full;
            foreach (var buffer in _buffers)
            {
                buffer.Clear();
            }

            _buffered = 0;
            _writing = Task.Run(() => WriteGroupAsync(full, count, cancellationToken), cancellationToken);
        }

        private async Task WaitWritingAsync()
        {
            if (_writing is { } writing)
            {
                _writing = null;
                await writing.ConfigureAwait(false);
            }
        }

        private async Task WriteGroupAsync(ColumnBuffer[] buffers, int count, CancellationToken cancellationToken)
        {
            using var group = _writer!.CreateRowGroup();
            for (var i = 0; i < buffers.Length; i++)
            {
                await buffers[i].WriteAsync(group, count, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class CsvFile : PartitionFile
    {
        private readonly IReadOnlyList<ExportColumn> _columns;
        private readonly StreamWriter _text;
        private readonly StringBuilder _line = new();

        public CsvFile(string root, string relativePath, IReadOnlyList<ExportColumn> columns)
            : base(root, relativePath)
        {
            _columns = columns;
            _text = new StreamWriter(Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            _text.WriteLine(string.Join(',', columns.Select(c => c.Name)));
        }

        protected override Task WriteRowAsync(object?[] row, CancellationToken cancellationToken)
        {
            _line.Clear();
            for (var i = 0; i < _columns.Count; i++)
            {
                if (i > 0)
                {
                    _line.Append(',');
                }

                _line.Append(_columns[i].FormatCsv(row[i]));
            }

            _line.Append('\n');
            return _text.WriteAsync(_line.ToString().AsMemory(), cancellationToken);
        }

        protected override ValueTask WriteRowAsync(NpgsqlDataReader reader, Instant at, string symbol, CancellationToken cancellationToken)
        {
            var row = new object?[_columns.Count];
            row[0] = at;
            row[1] = symbol;
            for (var i = 2; i < row.Length; i++)
            {
                row[i] = _columns[i].Check(reader.IsDBNull(i) ? null : reader.GetValue(i));
            }

            return new ValueTask(WriteRowAsync(row, cancellationToken));
        }

        protected override async Task FinishAsync(CancellationToken cancellationToken)
        {
            await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _text.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static string DatePartition(NodaTime.Instant at) =>
        "date=" + at.InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/";
}
