using System.Globalization;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary><c>double precision</c>; NaN and infinities are refused.</summary>
internal sealed class DoubleColumn<T>(string name, bool required, Func<T, double?> get)
    : Column<T, double?>(name, "double precision", NpgsqlDbType.Double, required, false, get)
    where T : TradingRecord
{
    public override string? Format(T row) => Get(row)?.ToString("R", CultureInfo.InvariantCulture);

    protected override void WriteValue(BinaryCopyWriter writer, double? value) => writer.WriteDouble(value!.Value);

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index)
    {
        var text = Text(utf8);
        values.SetDouble(index, double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{Name} '{text}' is not a number"));
    }

    public override ColumnError? Check(T row, ValidationContext context)
    {
        if (Get(row) is not { } value)
        {
            return Required ? Missing() : null;
        }

        return double.IsFinite(value)
            ? null
            : new ColumnError(Name, value.ToString(CultureInfo.InvariantCulture), $"{Name} {value.ToString(CultureInfo.InvariantCulture)} is not a finite number");
    }
}
