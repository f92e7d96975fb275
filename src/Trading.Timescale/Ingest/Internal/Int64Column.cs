using System.Buffers.Text;
using System.Globalization;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary><c>bigint</c>.</summary>
internal sealed class Int64Column<T>(string name, bool nonNegative, bool required, Func<T, long?> get)
    : Column<T, long?>(name, "bigint", NpgsqlDbType.Bigint, required, false, get)
    where T : TradingRecord
{
    public override string? Format(T row) => Get(row)?.ToString(CultureInfo.InvariantCulture);

    protected override void WriteValue(BinaryCopyWriter writer, long? value) => writer.WriteInt64(value!.Value);

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index)
    {
        if (Utf8Parser.TryParse(utf8, out long fast, out var used) && used == utf8.Length)
        {
            values.SetInt64(index, fast);
            return;
        }

        var text = Text(utf8);
        values.SetInt64(index, long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{Name} '{text}' is not a whole number"));
    }

    public override ColumnError? Check(T row, ValidationContext context)
    {
        if (Get(row) is not { } value)
        {
            return Required ? Missing() : null;
        }

        return nonNegative && value < 0
            ? new ColumnError(Name, value.ToString(CultureInfo.InvariantCulture), $"{Name} {value.ToString(CultureInfo.InvariantCulture)} is negative")
            : null;
    }
}
