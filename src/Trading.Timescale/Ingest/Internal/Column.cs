using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// One written column of a table: its name, SQL type and rules, and how a record's value is written (binary COPY,
/// parameters), formatted (messages, CSV) and parsed (CSV). A <see cref="TableMap{T}"/> lists them in table order.
/// </summary>
internal abstract class Column<T>
    where T : TradingRecord
{
    protected Column(string name, string sqlType, NpgsqlDbType dbType, bool required, bool hasDefault)
    {
        Name = name;
        Quoted = "\"" + name + "\"";
        SqlType = sqlType;
        DbType = dbType;
        Required = required;
        HasDefault = hasDefault;
    }

    /// <summary>The column name, as in the table.</summary>
    public string Name { get; }

    /// <summary>The quoted identifier.</summary>
    public string Quoted { get; }

    /// <summary>The SQL type, for staging tables and casts.</summary>
    public string SqlType { get; }

    public NpgsqlDbType DbType { get; }

    /// <summary>Whether a record must carry a value (the column is NOT NULL).</summary>
    public bool Required { get; }

    /// <summary>Whether a CSV file may leave a required column out (the record has a default).</summary>
    public bool HasDefault { get; }

    /// <summary>Writes the row's value of this column (or NULL) in binary COPY format.</summary>
    public abstract void Write(BinaryCopyWriter writer, T row);

    /// <summary>The value as invariant text, <see langword="null"/> for NULL.</summary>
    public abstract string? Format(T row);

    /// <summary>Parses a CSV field's UTF-8 bytes (never empty for non-text columns) into slot <paramref name="index"/>.</summary>
    /// <exception cref="FormatException">The text is not a value of this column; the message names column and value.</exception>
    public abstract void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index);

    public abstract ColumnError? Check(T row, ValidationContext context);

    public abstract NpgsqlParameter CreateParameter(T row);

    public abstract NpgsqlParameter CreateArrayParameter(IReadOnlyList<T> rows);

    /// <summary>Whether two rows hold the same value here, as the database will compare them (natural keys).</summary>
    public abstract bool KeyEquals(T x, T y);

    public abstract int KeyHash(T row);

    protected ColumnError Missing() => new(Name, null, $"{Name} is missing");

    protected static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    protected static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    /// <summary>The index of a UTF-16 surrogate without its pair (PostgreSQL refuses it), or -1.</summary>
    internal static int LoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    protected ColumnError? LoneSurrogateError(string value)
    {
        var index = LoneSurrogate(value);
        return index < 0
            ? null
            : new ColumnError(Name, value, string.Create(CultureInfo.InvariantCulture,
                $"{Name} has a lone UTF-16 surrogate (U+{(int)value[index]:X4}) at character {index + 1}, which is not valid Unicode and PostgreSQL refuses"));
    }
}
