using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.ScaleOut.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Ingest;

public sealed partial class TradingIngest
{
    /// <summary>
    /// Recomputes the latest snapshots from the hypertables, for rows written by other tools. Without
    /// <paramref name="since"/>, each snapshot is replaced in one transaction (a full scan of the hypertable; symbols
    /// with no rows left disappear). With it, the newest rows at or after <paramref name="since"/> are merged in
    /// (rows newer than the snapshot win), which only reads the recent chunks.
    /// </summary>
    /// <param name="since">Merge only rows at or after this instant; rebuild everything when omitted.</param>
    /// <param name="cancellationToken">Cancels the rebuild; nothing changes then. The statements have no command timeout.</param>
    /// <returns>Snapshot rows written per table.</returns>
    public async Task<LatestRebuildResult> RebuildLatestAsync(Instant? since = null, CancellationToken cancellationToken = default)
    {
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var stocks = await RebuildAsync(connection, TableMaps.StockPrices.Latest!, since, cancellationToken).ConfigureAwait(false);
                var options = await RebuildAsync(connection, TableMaps.OptionQuotes.Latest!, since, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new LatestRebuildResult(stocks, options);
            }
        }
    }

    private static async Task<long> RebuildAsync<T>(NpgsqlConnection connection, LatestSnapshot<T> snapshot, Instant? since, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        if (since is { } from)
        {
            using var merge = new NpgsqlCommand(snapshot.MergeSinceSql, connection) { CommandTimeout = 0 };
            merge.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            return await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
        foreach (var sql in snapshot.RebuildSql)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return batch.BatchCommands[^1].RecordsAffected;
    }
}
