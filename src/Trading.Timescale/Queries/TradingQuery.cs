using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// An immutable query: each refining method returns a new query and leaves this one unchanged. Every value is sent
/// as a parameter; <see cref="ToSql"/> shows exactly what runs. Run it with <see cref="ToListAsync"/>, or stream
/// it with <c>await foreach</c> (<see cref="AsAsyncEnumerable"/>), which holds one connection until the loop ends.
/// </summary>
/// <typeparam name="T">The row type.</typeparam>
public abstract class TradingQuery<T> : IAsyncEnumerable<T>
{
    private readonly NpgsqlDataSource _dataSource;
    private ReadFrom? _readFrom;
    private NpgsqlLogSequenceNumber? _readAfter;

    private protected TradingQuery(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    /// <summary>
    /// Sends this query to the server <paramref name="readFrom"/> names instead of the database's
    /// <see cref="TradingTimescaleOptions.ReadFrom"/> (which matters when the connection string lists a primary and standbys).
    /// </summary>
    /// <param name="readFrom">The primary, a standby when one is up, or a standby only.</param>
    /// <returns>A new query.</returns>
    public TradingQuery<T> WithReadFrom(ReadFrom readFrom)
    {
        var copy = (TradingQuery<T>)MemberwiseClone();
        copy._readFrom = readFrom;
        return copy;
    }

    /// <summary>
    /// Read-your-writes: the query sees the write that committed at <paramref name="commitLsn"/> (such as
    /// <see cref="Ingest.IngestResult.CommitLsn"/>). A standby serves it only when it has replayed past that position
    /// (<c>pg_last_wal_replay_lsn()</c>); otherwise the query goes to the primary. <see langword="null"/> asks for nothing.
    /// </summary>
    /// <param name="commitLsn">The write's commit position in the write-ahead log.</param>
    /// <returns>A new query.</returns>
    public TradingQuery<T> ReadYourWrites(NpgsqlLogSequenceNumber? commitLsn)
    {
        var copy = (TradingQuery<T>)MemberwiseClone();
        copy._readAfter = commitLsn;
        return copy;
    }

    /// <summary>The statement this query runs: the SQL text and every parameter value.</summary>
    /// <returns>The statement.</returns>
    public QuerySql ToSql()
    {
        var parameters = new SqlParameters();
        return parameters.ToQuerySql(BuildSql(parameters));
    }

    /// <summary>Runs the query and reads every row.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows, in the query's order.</returns>
    /// <exception cref="TradingQueryException">The server refused the query for a known reason (the message says which).</exception>
    public async Task<IReadOnlyList<T>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<T>();
        await foreach (var row in AsAsyncEnumerable(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Streams the rows as they arrive; the connection is held until the enumeration ends.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows.</returns>
    public IAsyncEnumerable<T> AsAsyncEnumerable(CancellationToken cancellationToken = default) => RunAsync(Read, cancellationToken);

    /// <summary>Starts streaming the rows (what <c>await foreach</c> calls).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The enumerator.</returns>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        RunAsync(Read, cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>The SQL (shown by <see cref="ToSql"/>).</summary>
    /// <returns><see cref="ToSql"/> as text.</returns>
    public override string ToString() => ToSql().ToString();

    /// <summary>
    /// Streams the reader itself, positioned on each row in turn (sequential access), for bulk readers that copy the
    /// columns straight into their own buffers; retries and telemetry as for <see cref="AsAsyncEnumerable"/>.
    /// </summary>
    internal IAsyncEnumerable<NpgsqlDataReader> ReadersAsync(CancellationToken cancellationToken) => RunAsync(static reader => reader, cancellationToken);

    private protected abstract string BuildSql(SqlParameters parameters);

    private protected abstract T Read(NpgsqlDataReader reader);

    /// <summary>Turns a server error this query can explain into a <see cref="TradingQueryException"/>; <see langword="null"/> keeps it.</summary>
    private protected virtual TradingQueryException? Explain(PostgresException error) => null;

    private async IAsyncEnumerable<TRow> RunAsync<TRow>(Func<NpgsqlDataReader, TRow> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = new SqlParameters();
        var sql = BuildSql(parameters);
        var name = GetType().Name.Split('`')[0];
        using var scope = new QueryScope(name, _dataSource);
        NpgsqlConnection connection;
        NpgsqlCommand command;
        NpgsqlDataReader reader;
        try
        {
            // A query only reads: one broken pooled connection (a server restart) is retried at once on a new one.
            (connection, command, reader) = await TransientRetry.OpenReaderAsync(
                _dataSource, ct => ReadRouter.For(_dataSource).OpenAsync(_readFrom, _readAfter, ct), "query." + name, sql, parameters.ToNpgsql, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (Explain(ex) is { } explained)
        {
            throw explained;
        }

        await using (connection.ConfigureAwait(false))
        {
            using (command)
            {
                await using var readerScope = reader.ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return read(reader);
                }

                scope.Succeeded();
            }
        }
    }
}
