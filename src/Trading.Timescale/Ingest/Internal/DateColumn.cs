using System.Buffers.Text;
using NodaTime;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary><c>date</c>.</summary>
internal sealed class DateColumn<T>(string name, bool required, Func<T, LocalDate?> get)
    : Column<T, LocalDate?>(name, "date", NpgsqlDbType.Date, required, false, get)
    where T : TradingRecord
{
    public override string? Format(T row) => Get(row) is { } value ? ValidationContext.Format(value) : null;

    protected override void WriteValue(BinaryCopyWriter writer, LocalDate? value) => writer.WriteDate(value!.Value);

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index)
    {
        if (utf8.Length == 10 && utf8[4] == '-' && utf8[7] == '-'
            && Utf8Parser.TryParse(utf8[..4], out int year, out var y) && y == 4 && year >= 1
            && Utf8Parser.TryParse(utf8.Slice(5, 2), out int month, out var m) && m == 2 && month is >= 1 and <= 12
            && Utf8Parser.TryParse(utf8.Slice(8, 2), out int day, out var d) && d == 2 && day >= 1 && day <= CalendarSystem.Iso.GetDaysInMonth(year, month))
        {
            values.SetDate(index, new LocalDate(year, month, day));
            return;
        }

        var text = Text(utf8);
        var result = NodaTime.Text.LocalDatePattern.Iso.Parse(text.Trim());
        values.SetDate(index, result.Success ? result.Value : throw new FormatException($"{Name} '{text}' is not a date in the form 2026-12-18"));
    }

    public override ColumnError? Check(T row, ValidationContext context) =>
        Required && Get(row) is null ? Missing() : null;
}
