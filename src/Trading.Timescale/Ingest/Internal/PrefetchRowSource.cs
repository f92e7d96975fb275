using System.Threading.Channels;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Reads an inner source ahead on another thread, a bounded number of rows at a time, so parsing overlaps with
/// validating and sending. Rows, errors and line numbers come out in input order; an exception of the inner source
/// comes out at the row where it happened. At most <c>Capacity × ChunkRows</c> rows are held.
/// </summary>
internal sealed class PrefetchRowSource<T> : RowSource<T>
    where T : TradingRecord
{
    private const int ChunkRows = 512;
    private const int Capacity = 4;

    private readonly RowSource<T> _inner;
    private readonly Channel<Chunk> _chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private Task? _producer;
    private Chunk? _chunk;
    private int _index;

    public PrefetchRowSource(RowSource<T> inner) => _inner = inner;

    public override void Start() => _producer ??= Task.Run(() => ProduceAsync(_stop.Token), CancellationToken.None);

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        Start();
        while (_chunk is null || _index >= _chunk.Count)
        {
            if (_chunk is { Failure: { } failure })
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            if (_chunk is { Last: true })
            {
                Current = null;
                CurrentError = null;
                return false;
            }

            _chunk = await _chunks.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _index = 0;
        }

        ref var slot = ref _chunk.Slots[_index++];
        Current = slot.Row;
        CurrentError = slot.Error;
        CurrentLine = slot.Line;
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_producer is not null)
        {
            try
            {
                await _producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped early: the consumer failed or finished.
            }
        }

        _stop.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ProduceAsync(CancellationToken cancellationToken)
    {
        var chunk = new Chunk();
        try
        {
            while (await _inner.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                chunk.Slots[chunk.Count++] = new Slot(_inner.Current, _inner.CurrentError, _inner.CurrentLine);
                if (chunk.Count == ChunkRows)
                {
                    await _chunks.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    chunk = new Chunk();
                }
            }

            chunk.Last = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            chunk.Failure = ex;
        }

        await _chunks.Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    private readonly record struct Slot(T? Row, IngestRowError? Error, long? Line);

    private sealed class Chunk
    {
        public Slot[] Slots { get; } = new Slot[ChunkRows];

        public int Count { get; set; }

        public bool Last { get; set; }

        public Exception? Failure { get; set; }
    }
}
