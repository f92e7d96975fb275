using NodaTime;
using Npgsql;
using Trading.Timescale.Queries.Internal;

namespace Trading.Timescale.Queries;

/// <summary>
/// One of the SQL indicator functions (<c>trading.calculate_rsi</c>, <c>calculate_bollinger_bands</c>...): one
/// point per bar of the interval, oldest first, the indicator <see langword="null"/> during warm-up. With a range, the
/// function reads the bars before it that the warm-up needs, so the values equal the full-history computation.
/// </summary>
/// <typeparam name="TPoint">The point type, such as <see cref="RsiPoint"/>.</typeparam>
public sealed class IndicatorQuery<TPoint> : TradingQuery<TPoint>
{
    private readonly string _function;
    private readonly string _columns;
    private readonly Func<SqlParameters, string>[] _arguments;
    private readonly Func<NpgsqlDataReader, TPoint> _read;
    private Instant? _from;
    private Instant? _to;

    internal IndicatorQuery(NpgsqlDataSource dataSource, string function, string columns, Func<SqlParameters, string>[] arguments, Func<NpgsqlDataReader, TPoint> read)
        : base(dataSource)
    {
        _function = function;
        _columns = columns;
        _arguments = arguments;
        _read = read;
    }

    /// <summary>The SQL function called, such as <c>trading.calculate_rsi</c>.</summary>
    public string Function => "trading." + _function;

    /// <summary>Points whose bar starts in [<paramref name="from"/>, <paramref name="to"/>); <see langword="null"/> leaves a side open.</summary>
    /// <param name="from">The first bar start included.</param>
    /// <param name="to">The first bar start excluded.</param>
    /// <returns>A new query.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public IndicatorQuery<TPoint> Between(Instant? from, Instant? to)
    {
        Sql.CheckRange(from, to, nameof(to));
        var copy = (IndicatorQuery<TPoint>)MemberwiseClone();
        copy._from = from;
        copy._to = to;
        return copy;
    }

    private protected override string BuildSql(SqlParameters parameters)
    {
        var arguments = _arguments.Select(a => a(parameters)).ToList();
        arguments.Add(parameters.Add(_from, NpgsqlTypes.NpgsqlDbType.TimestampTz, "timestamp with time zone"));
        arguments.Add(parameters.Add(_to, NpgsqlTypes.NpgsqlDbType.TimestampTz, "timestamp with time zone"));
        return $"SELECT {_columns}\nFROM {Function}({string.Join(", ", arguments)})\nORDER BY \"timestamp\"";
    }

    private protected override TPoint Read(NpgsqlDataReader reader) => _read(reader);
}
