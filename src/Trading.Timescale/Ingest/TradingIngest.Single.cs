using Npgsql;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Internal;
using Trading.Timescale.ScaleOut.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Ingest;

public sealed partial class TradingIngest
{
    /// <summary>
    /// Writes one signal and returns its id. Idempotent by natural key (symbol, model_version, timestamp): writing the
    /// same key again updates the row and returns the same id.
    /// </summary>
    /// <param name="signal">The signal.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The row's <c>id</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="signal"/> is <see langword="null"/>.</exception>
    /// <exception cref="IngestValidationException">The signal breaks a rule; nothing was sent.</exception>
    /// <exception cref="TradingIngestException">The database refused the row, or the connection could not be opened or broke; nothing was written.</exception>
    public Task<long> WriteSignalAsync(TradingSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return WriteOneAsync(TableMaps.Signals, signal, cancellationToken);
    }

    /// <summary>
    /// Writes one system event and returns its id. Idempotent by natural key (source, event_type, timestamp).
    /// </summary>
    /// <param name="systemEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The row's <c>id</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="systemEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="IngestValidationException">The event breaks a rule; nothing was sent.</exception>
    /// <exception cref="TradingIngestException">The database refused the row, or the connection could not be opened or broke; nothing was written.</exception>
    public Task<long> WriteEventAsync(SystemEvent systemEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systemEvent);
        return WriteOneAsync(TableMaps.SystemEvents, systemEvent, cancellationToken);
    }

    private async Task<long> WriteOneAsync<T>(TableMap<T> map, T row, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        var noProgress = new IngestProgress(1, 0, 0, 0, 0, 0);
        if (Check(map, row, new ValidationContext(Options, _clock), 1) is { } error)
        {
            throw new IngestValidationException(error.Message + ". Nothing was sent.", map.QualifiedTable, noProgress, null, [error]);
        }

        var opened = false;
        var attempts = 0;
        try
        {
            var pipeline = Retry.ForWrite("ingest.write_one", _dataSource, ex => !cancellationToken.IsCancellationRequested && TransientRetry.IsTransient(ex));
            return await pipeline.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    opened = false;
                    var connection = await PrimaryConnection.OpenAsync(_dataSource, ct).ConfigureAwait(false);
                    opened = true;
                    await using (connection.ConfigureAwait(false))
                    {
                        using var command = new NpgsqlCommand(map.InsertReturningIdSql, connection);
                        foreach (var column in map.Columns)
                        {
                            command.Parameters.Add(column.CreateParameter(row));
                        }

                        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgresErrors.ToWriteFailure(ex, map.Describe(row), map.QualifiedTable, noProgress) is { } failure)
        {
            throw failure;
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            var cause = TransientRetry.Describe(ex);
            var outcome = opened
                ? "The connection broke while the row was being written, so it may or may not be stored; writing it again is safe (the write is idempotent by its natural key)."
                : "Nothing was written; write the row again when the database can be reached.";
            throw new TradingIngestException(
                $"Writing {map.Describe(row)} to {map.QualifiedTable} failed after {attempts} attempt(s): the connection to {TradingConnectionString.Where(_dataSource.ConnectionString)} failed: {cause}. {outcome}",
                map.QualifiedTable, noProgress, null, 1, ex);
        }
    }
}
