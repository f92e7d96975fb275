using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary><c>jsonb</c> held as raw JSON text; it must be well-formed.</summary>
internal sealed class JsonColumn<T>(string name, bool required, bool hasDefault, Func<T, string?> get)
    : Column<T, string?>(name, "jsonb", NpgsqlDbType.Jsonb, required, hasDefault, get)
    where T : TradingRecord
{
    public override string? Format(T row) => Get(row);

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index) => values.SetText(index, Text(utf8));

    protected override void WriteValue(BinaryCopyWriter writer, string? value) => writer.WriteJsonb(value!);

    public override ColumnError? Check(T row, ValidationContext context)
    {
        var value = Get(row);
        if (value is null)
        {
            return Required ? Missing() : null;
        }

        if (LoneSurrogateError(value) is { } surrogate)
        {
            return surrogate;
        }

        var problem = JsonText.Check(value);
        return problem is null ? null : new ColumnError(Name, value, $"{Name} is not valid JSON: {problem}");
    }
}
