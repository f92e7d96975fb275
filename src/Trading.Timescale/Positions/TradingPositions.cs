using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Positions.Internal;

namespace Trading.Timescale.Positions;

/// <summary>
/// Positions and P&amp;L in <c>trading.positions</c>, with every trade in the ledger <c>trading.position_trades</c>.
/// Each trade runs in one transaction that locks its position row (<c>SELECT ... FOR UPDATE</c>), so concurrent trades on a
/// position apply one after another. Marks come from <c>trading.latest_stock_prices</c> and <c>trading.latest_option_quotes</c>.
/// </summary>
/// <remarks>The data source must map NodaTime types (<c>NpgsqlDataSourceBuilder.UseNodaTime()</c>).</remarks>
public sealed partial class TradingPositions
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IClock _clock;

    /// <summary>Creates a book on <paramref name="dataSource"/> that stamps trades with the system clock.</summary>
    /// <param name="dataSource">A data source configured with <c>UseNodaTime()</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is null.</exception>
    public TradingPositions(NpgsqlDataSource dataSource)
        : this(dataSource, SystemClock.Instance)
    {
    }

    /// <summary>Creates a book on <paramref name="dataSource"/> that reads the time from <paramref name="clock"/>.</summary>
    /// <param name="dataSource">A data source configured with <c>UseNodaTime()</c>.</param>
    /// <param name="clock">Gives the default execution time of trades and the <c>created_at</c>/<c>updated_at</c> stamps.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> or <paramref name="clock"/> is null.</exception>
    public TradingPositions(NpgsqlDataSource dataSource, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(clock);
        _dataSource = dataSource;
        _clock = clock;
    }

    private static async Task<Position?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? PositionSql.ReadPosition(reader) : null;
    }

    private static async Task<IReadOnlyList<Position>> ReadPositionsAsync(
        NpgsqlConnection connection, string sql, string? account, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(PositionSql.Value(account, NpgsqlDbType.Varchar));
        var positions = new List<Position>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            positions.Add(PositionSql.ReadPosition(reader));
        }

        return positions;
    }

    private static TradingPositionException NotFound(long positionId) =>
        new(PositionErrorReason.NotFound, positionId, $"Position {positionId} does not exist in trading.positions.");
}
