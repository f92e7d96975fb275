using Npgsql;
using NpgsqlTypes;

namespace Trading.Timescale.Queries.Internal;

/// <summary>Collects the parameters of a statement while its SQL is written; each value gets the next <c>$n</c>.</summary>
internal sealed class SqlParameters
{
    private readonly List<(QueryParameter Shown, NpgsqlDbType Type)> _parameters = [];

    public string Add(object? value, NpgsqlDbType type, string dataTypeName)
    {
        var name = "$" + (_parameters.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add((new QueryParameter(name, dataTypeName, value), type));
        return name;
    }

    public string Text(string value) => Add(value, NpgsqlDbType.Text, "text");

    public string TextArray(IReadOnlyList<string> values) => Add(values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, "text[]");

    public string Instant(NodaTime.Instant value) => Add(value, NpgsqlDbType.TimestampTz, "timestamp with time zone");

    public string Date(NodaTime.LocalDate value) => Add(value, NpgsqlDbType.Date, "date");

    public string Integer(int value) => Add(value, NpgsqlDbType.Integer, "integer");

    public string BigInt(long value) => Add(value, NpgsqlDbType.Bigint, "bigint");

    public string Numeric(decimal value) => Add(value, NpgsqlDbType.Numeric, "numeric");

    /// <summary>An interval sent as text and cast on the server, so the SQL shows it as PostgreSQL reads it.</summary>
    public string Interval(TimescaleInterval value) => Text(value.ToString()) + "::interval";

    public QuerySql ToQuerySql(string sql) => new(sql, _parameters.Select(p => p.Shown).ToArray());

    public IEnumerable<NpgsqlParameter> ToNpgsql() =>
        _parameters.Select(p => new NpgsqlParameter { Value = p.Shown.Value ?? DBNull.Value, NpgsqlDbType = p.Type });
}
