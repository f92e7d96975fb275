namespace Trading.Timescale.Operations.Internal;

/// <summary>A read-only stream that passes another's bytes through a <see cref="PgCopyBinaryCounter"/>.</summary>
internal sealed class PgCopyCountingStream(Stream inner, PgCopyBinaryCounter counter) : ReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            counter.Feed(buffer.Span[..read]);
        }
        else if (!buffer.IsEmpty)
        {
            counter.Complete();
        }

        return read;
    }
}
