using Npgsql;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// The option chain of an underlying as of an instant: the newest quote per contract at or before it, ordered by
/// expiration, strike, then CALL before PUT; or, with <see cref="MostActive"/>, the most traded contracts.
/// </summary>
public sealed class OptionChainQuery : OptionsQuery<OptionChainQuery, OptionQuote>
{
    private int? _top;

    internal OptionChainQuery(NpgsqlDataSource dataSource, string underlyingSymbol)
        : base(dataSource, underlyingSymbol)
    {
    }

    /// <summary>
    /// The <paramref name="count"/> contracts with the highest volume in their newest quote (then open interest, then
    /// option symbol), most active first. Contracts without volume come last.
    /// </summary>
    /// <param name="count">How many contracts.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public OptionChainQuery MostActive(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var copy = (OptionChainQuery)MemberwiseClone();
        copy._top = count;
        return copy;
    }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var chain = ChainCte(parameters, out _);
        var columns = TableMaps.OptionQuotes.ColumnList + ", \"id\", \"created_at\", \"updated_at\"";
        return _top is { } top
            ? $"{chain}\nSELECT {columns}\nFROM chain\nORDER BY \"volume\" DESC NULLS LAST, \"open_interest\" DESC NULLS LAST, \"option_symbol\"\nLIMIT {parameters.Integer(top)}"
            : $"{chain}\nSELECT {columns}\nFROM chain\nORDER BY \"expiration_date\", \"strike_price\", \"option_type\", \"option_symbol\"";
    }

    private protected override OptionQuote Read(NpgsqlDataReader reader) => TableMaps.OptionQuotes.Read(reader);
}
