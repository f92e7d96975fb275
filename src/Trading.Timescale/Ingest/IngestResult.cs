using NpgsqlTypes;

namespace Trading.Timescale.Ingest;

/// <summary>What a completed ingest call did.</summary>
public sealed class IngestResult
{
    /// <summary>The schema-qualified table, for example <c>trading.stock_prices</c>.</summary>
    public required string Table { get; init; }

    /// <summary>Append or upsert.</summary>
    public required IngestMode Mode { get; init; }

    /// <summary>Rows taken from the input.</summary>
    public required long RowsRead { get; init; }

    /// <summary>Valid rows sent and committed.</summary>
    public required long RowsWritten { get; init; }

    /// <summary>
    /// Rows the table gained or changed: equal to <see cref="RowsWritten"/> for an append; for an upsert, rows
    /// inserted plus rows whose values changed (unchanged replays and same-key duplicates are not counted).
    /// </summary>
    public required long RowsChanged { get; init; }

    /// <summary>Invalid rows left out, all of them; <see cref="Rejected"/> keeps the first <see cref="IngestOptions.MaxRejectedRowsKept"/>.</summary>
    public long RowsRejected
    {
        get => _rowsRejected ?? Rejected.Count;
        init => _rowsRejected = value;
    }

    private readonly long? _rowsRejected;

    /// <summary>Batches run again after a transient failure: a lost connection, a server restart, a serialization failure or deadlock (see <see cref="RetryOptions"/>).</summary>
    public int Retries { get; init; }

    /// <summary>Batches sent (each one COPY).</summary>
    public required int Batches { get; init; }

    /// <summary>Latest-snapshot rows inserted or changed (0 for tables without a snapshot).</summary>
    public required long LatestRowsChanged { get; init; }

    /// <summary>
    /// The rows left out under <see cref="InvalidRowHandling.Skip"/>, in input order: the first
    /// <see cref="IngestOptions.MaxRejectedRowsKept"/> of them (every one goes to <see cref="IngestOptions.OnRejectedRow"/>).
    /// </summary>
    public required IReadOnlyList<IngestRowError> Rejected { get; init; }

    /// <summary>
    /// The primary's write-ahead log position right after the last commit of the call (<c>pg_current_wal_insert_lsn()</c>),
    /// at or past the commit itself; <see langword="null"/> when nothing was committed or the connection string names one
    /// host (no standby to route to, so the position is not read). Pass it to
    /// <see cref="Queries.TradingQuery{T}.ReadYourWrites"/> so that a read on a standby sees these rows.
    /// </summary>
    public NpgsqlLogSequenceNumber? CommitLsn { get; init; }

    /// <summary>Wall-clock time of the call.</summary>
    public required TimeSpan Elapsed { get; init; }
}
