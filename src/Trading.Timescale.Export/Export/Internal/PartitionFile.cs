using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
        string root, string relativeDirectory, IReadOnlyList<ExportColumn> columns, ExportFormat format, int rowGroupSize, CancellationToken cancellationToken)
    {
        if (format == ExportFormat.Csv)
        {
            return new CsvFile(root, relativeDirectory + "part-0.csv", columns);
        }

        var file = new ParquetFile(root, relativeDirectory + "part-0.parquet", columns, rowGroupSize);
        await file.StartAsync(cancellationToken).ConfigureAwait(false);
        return file;
    }

    public async Task AddAsync(object?[] row, CancellationToken cancellationToken)
    {
        await WriteRowAsync(row, cancellationToken).ConfigureAwait(false);
        Rows++;
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

    protected abstract Task FinishAsync(CancellationToken cancellationToken);

    private sealed class ParquetFile(string root, string relativePath, IReadOnlyList<ExportColumn> columns, int rowGroupSize)
        : PartitionFile(root, relativePath)
    {
        private readonly DataField[] _fields = [.. columns.Select(c => c.ToParquetField())];
        private ColumnBuffer[] _buffers = [];
        private ParquetWriter? _writer;
        private int _buffered;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _buffers = [.. columns.Select((c, i) => ColumnBuffer.For(c, _fields[i]))];
            var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
            _writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), Stream, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override async Task WriteRowAsync(object?[] row, CancellationToken cancellationToken)
        {
            for (var i = 0; i < _buffers.Length; i++)
            {
                _buffers[i].Set(_buffered, row[i]);
            }

            if (++_buffered == rowGroupSize)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        protected override async Task FinishAsync(CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await _writer!.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_buffered == 0)
            {
                return;
            }

            using (var group = _writer!.CreateRowGroup())
            {
                for (var i = 0; i < _buffers.Length; i++)
                {
                    await _buffers[i].WriteAsync(group, _buffered, cancellationToken).ConfigureAwait(false);
                }
            }

            _buffered = 0;
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

        protected override async Task FinishAsync(CancellationToken cancellationToken)
        {
            await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _text.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static string DatePartition(NodaTime.Instant at) =>
        "date=" + at.InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/";
}
