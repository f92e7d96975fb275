namespace Trading.Timescale.Ingest.Internal;

/// <summary>The input of an ingest call, one row at a time.</summary>
internal abstract class RowSource<T> : IAsyncDisposable
    where T : TradingRecord
{
    /// <summary>The current row; <see langword="null"/> when the input gave none or <see cref="CurrentError"/> is set.</summary>
    public T? Current { get; protected set; }

    /// <summary>Set when the current input could not be turned into a record (CSV); the row is invalid.</summary>
    public IngestRowError? CurrentError { get; protected set; }

    /// <summary>The line the current record starts on (CSV), else <see langword="null"/>.</summary>
    public long? CurrentLine { get; protected set; }

    /// <summary>Lets a source that reads ahead start before the first row is asked for (while the connection opens).</summary>
    public virtual void Start()
    {
    }

    public abstract ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

internal sealed class EnumerableRowSource<T>(IEnumerable<T> rows) : RowSource<T>
    where T : TradingRecord
{
    private IEnumerator<T>? _enumerator;

    public override ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        _enumerator ??= rows.GetEnumerator();
        if (_enumerator.MoveNext())
        {
            Current = _enumerator.Current;
            return new ValueTask<bool>(true);
        }

        Current = null;
        return new ValueTask<bool>(false);
    }

    public override ValueTask DisposeAsync()
    {
        _enumerator?.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal sealed class AsyncEnumerableRowSource<T>(IAsyncEnumerable<T> rows) : RowSource<T>
    where T : TradingRecord
{
    private IAsyncEnumerator<T>? _enumerator;

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        _enumerator ??= rows.GetAsyncEnumerator(cancellationToken);
        if (await _enumerator.MoveNextAsync().ConfigureAwait(false))
        {
            Current = _enumerator.Current;
            return true;
        }

        Current = null;
        return false;
    }

    public override ValueTask DisposeAsync() => _enumerator?.DisposeAsync() ?? ValueTask.CompletedTask;
}
