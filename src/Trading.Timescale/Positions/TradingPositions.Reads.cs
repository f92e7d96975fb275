using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Positions.Internal;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Positions;

// Reads: one position, the open positions and a position's ledger.
public sealed partial class TradingPositions
{
    /// <summary>Reads one position.</summary>
    /// <param name="positionId">The position.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The position, or null when no position has that id.</returns>
    public async Task<Position?> GetPositionAsync(long positionId, CancellationToken cancellationToken = default)
    {
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(PositionSql.SelectById, connection);
            command.Parameters.Add(PositionSql.Value(positionId, NpgsqlDbType.Bigint));
            return await ReadSingleAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the open positions, by account, symbol and id.</summary>
    /// <param name="account">Only this account; null for every account.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open positions.</returns>
    /// <exception cref="ArgumentException"><paramref name="account"/> is empty or too long.</exception>
    public async Task<IReadOnlyList<Position>> ListOpenPositionsAsync(string? account = null, CancellationToken cancellationToken = default)
    {
        PositionValidation.ValidateAccountFilter(account);
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadPositionsAsync(connection, PositionSql.SelectOpen, account, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the ledger of a position: every trade, in the order it was applied.</summary>
    /// <param name="positionId">The position.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The trades, oldest first.</returns>
    /// <exception cref="TradingPositionException">No position has that id (<see cref="PositionErrorReason.NotFound"/>).</exception>
    public async Task<IReadOnlyList<PositionTrade>> ListTradesAsync(long positionId, CancellationToken cancellationToken = default)
    {
        var trades = new List<PositionTrade>();
        var found = false;
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(PositionSql.SelectTrades, connection);
            command.Parameters.Add(PositionSql.Value(positionId, NpgsqlDbType.Bigint));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found = true;
                if (!reader.IsDBNull(0))
                {
                    trades.Add(PositionSql.ReadTrade(reader));
                }
            }
        }

        return found ? trades : throw NotFound(positionId);
    }
}
