using System.Text;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// A read-only stream of the UTF-8 bytes of a <see cref="TextReader"/>'s text, so text input goes through the same byte
/// parser as files. Text that cannot be UTF-8 (a lone surrogate) throws instead of being replaced.
/// </summary>
internal sealed class TextReaderUtf8Stream(TextReader reader) : Stream
{
    private readonly Encoder _encoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetEncoder();
    private readonly char[] _chars = new char[16 * 1024];
    private readonly byte[] _bytes = new byte[(16 * 1024 * 3) + 8];
    private int _bytesStart;
    private int _bytesEnd;
    private bool _done;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_bytesStart == _bytesEnd && !_done)
        {
            var read = await reader.ReadAsync(_chars.AsMemory(), cancellationToken).ConfigureAwait(false);
            _done = read == 0;
            _bytesStart = 0;
            _bytesEnd = _encoder.GetBytes(_chars, 0, read, _bytes, 0, flush: _done);
        }

        var count = Math.Min(buffer.Length, _bytesEnd - _bytesStart);
        _bytes.AsMemory(_bytesStart, count).CopyTo(buffer);
        _bytesStart += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
