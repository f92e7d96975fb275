using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>An enum stored as its upper-case text in <c>varchar(n)</c>.</summary>
internal sealed class EnumColumn<T, TEnum> : Column<T>
    where T : TradingRecord
    where TEnum : struct, Enum
{
    private readonly Func<T, TEnum> _get;
    private readonly string[] _names;

    public EnumColumn(string name, int maxLength, string[] names, bool hasDefault, Func<T, TEnum> get)
        : base(name, $"varchar({maxLength})", NpgsqlDbType.Varchar, required: true, hasDefault)
    {
        _get = get;
        _names = names;
    }

    public override void Write(BinaryCopyWriter writer, T row)
    {
        if (Text(row) is { } text)
        {
            writer.WriteText(text);
        }
        else
        {
            writer.WriteNull();
        }
    }

    public override string? Format(T row) => Text(row);

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index)
    {
        var trimmed = utf8.Trim(" \t"u8);
        for (var i = 0; i < _names.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(trimmed, _names[i]))
            {
                values.SetEnum(index, i);
                return;
            }
        }

        throw new FormatException($"{Name} '{Text(utf8)}' is not one of {string.Join(", ", _names)}");
    }

    public override ColumnError? Check(T row, ValidationContext context)
    {
        var index = Index(row);
        return (uint)index < (uint)_names.Length
            ? null
            : new ColumnError(Name, index.ToString(CultureInfo.InvariantCulture),
                $"{Name} {index.ToString(CultureInfo.InvariantCulture)} is not a defined {typeof(TEnum).Name} ({string.Join(", ", _names)})");
    }

    public override NpgsqlParameter CreateParameter(T row) => new NpgsqlParameter<string?>
    {
        TypedValue = Text(row),
        NpgsqlDbType = NpgsqlDbType.Varchar,
    };

    public override NpgsqlParameter CreateArrayParameter(IReadOnlyList<T> rows)
    {
        var values = new string?[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Text(rows[i]);
        }

        return new NpgsqlParameter<string?[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar };
    }

    public override bool KeyEquals(T x, T y) => Index(x) == Index(y);

    public override int KeyHash(T row) => Index(row);

    private int Index(T row)
    {
        var value = _get(row);
        return System.Runtime.CompilerServices.Unsafe.As<TEnum, int>(ref value);
    }

    private string? Text(T row)
    {
        var index = Index(row);
        return (uint)index < (uint)_names.Length ? _names[index] : null;
    }
}
