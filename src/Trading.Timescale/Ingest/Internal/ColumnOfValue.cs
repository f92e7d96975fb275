using Npgsql;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>A column whose record value is a <typeparamref name="TValue"/> written as is.</summary>
internal abstract class Column<T, TValue>(string name, string sqlType, NpgsqlDbType dbType, bool required, bool hasDefault, Func<T, TValue> get)
    : Column<T>(name, sqlType, dbType, required, hasDefault)
    where T : TradingRecord
{
    protected Func<T, TValue> Get { get; } = get;

    public override void Write(BinaryCopyWriter writer, T row)
    {
        if (Get(row) is { } value)
        {
            WriteValue(writer, value);
        }
        else
        {
            writer.WriteNull();
        }
    }

    /// <summary>Writes a value that is not null.</summary>
    protected abstract void WriteValue(BinaryCopyWriter writer, TValue value);

    public override NpgsqlParameter CreateParameter(T row) => new NpgsqlParameter<TValue>
    {
        TypedValue = Get(row),
        NpgsqlDbType = DbType,
    };

    public override NpgsqlParameter CreateArrayParameter(IReadOnlyList<T> rows)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Get(rows[i]);
        }

        return new NpgsqlParameter<TValue[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | DbType };
    }

    public override bool KeyEquals(T x, T y) => EqualityComparer<TValue>.Default.Equals(Get(x), Get(y));

    public override int KeyHash(T row) => Get(row) is { } value ? EqualityComparer<TValue>.Default.GetHashCode(value) : 0;
}
