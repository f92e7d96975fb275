using System.Diagnostics;
using Npgsql;

namespace Trading.Timescale.Ingest.Internal;

// Commits: the snapshot rows flushed, the counts moved from pending to committed, and the commit's log position.
internal sealed partial class IngestRun<T>
    where T : TradingRecord
{
    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        var connection = _connection!;
        if (_latest is { Count: > 0 } latest)
        {
            _phase = Phase.UpdatingLatest;
            _latestPending += await FlushLatestAsync(latest, connection, cancellationToken).ConfigureAwait(false);
        }

        _phase = Phase.Committing;
        try
        {
            // A commit in flight is not cancelled: its outcome would be unknown.
            await _transaction!.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException and not PostgresException || connection.FullState.HasFlag(System.Data.ConnectionState.Broken))
        {
            _rowsInDoubt = _rowsPending;
            _inDoubt = true;
            throw;
        }

        await _transaction.DisposeAsync().ConfigureAwait(false);
        _transaction = null;
        _savepoints = 0;
        if (_tracksCommitLsn)
        {
            _commitLsn = await ReadCommitLsnAsync(connection).ConfigureAwait(false);
        }

        IngestObserver.Committed(Logger, _dataSource, _map.QualifiedTable, _mode, _rowsPending, _batchesPending, Stopwatch.GetElapsedTime(_transactionStarted));
        _transactionStarted = Stopwatch.GetTimestamp();
        _rowsCommitted += _rowsPending;
        _changedCommitted += _changedPending;
        _latestCommitted += _latestPending;
        _batchesCommitted += _batchesPending;
        _committedThroughRow = _rowsRead;
        _rowsPending = _changedPending = _latestPending = 0;
        _batchesPending = 0;
        _rowsInDoubt = 0;
    }

    /// <summary>The log position just after the commit, for read-your-writes on a standby; null when the connection broke after the commit.</summary>
    private static async Task<NpgsqlTypes.NpgsqlLogSequenceNumber?> ReadCommitLsnAsync(NpgsqlConnection connection)
    {
        try
        {
            using var command = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", connection);
            return (NpgsqlTypes.NpgsqlLogSequenceNumber?)await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }
}
