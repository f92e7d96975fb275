using NodaTime;

namespace Trading.Timescale.Live;

/// <summary>
/// The position of a signal or event subscription: the (timestamp, id) of the last row it yielded. A subscription that
/// starts after a position yields the rows whose (timestamp, id) is greater, in that order.
/// </summary>
/// <param name="Timestamp">The row's timestamp.</param>
/// <param name="Id">The row's id.</param>
public sealed record LivePosition(Instant Timestamp, long Id)
{
    /// <summary>The position of a row that a subscription yielded (its <see cref="TradingRecord.Timestamp"/> and <see cref="TradingRecord.Id"/>).</summary>
    /// <param name="record">A signal or event read from the database.</param>
    /// <returns>The position just after nothing but <paramref name="record"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="record"/> has no id (it was not read from the database).</exception>
    public static LivePosition Of(TradingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Timestamp, record.Id ?? throw new ArgumentException("The record has no id: only rows read from the database have a position.", nameof(record)));
    }
}
