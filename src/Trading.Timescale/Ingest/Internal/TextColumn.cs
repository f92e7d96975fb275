using System.Globalization;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary><c>varchar(n)</c> or <c>text</c>.</summary>
internal sealed class TextColumn<T>(string name, int? maxLength, bool required, Func<T, string?> get)
    : Column<T, string?>(name, maxLength is { } n ? $"varchar({n})" : "text", maxLength is null ? NpgsqlDbType.Text : NpgsqlDbType.Varchar, required, false, get)
    where T : TradingRecord
{
    public int? MaxLength { get; } = maxLength;

    /// <summary>Symbols are identifiers: no leading or trailing white space and no control characters.</summary>
    public bool IsSymbol { get; } = name == "symbol" || name.EndsWith("_symbol", StringComparison.Ordinal);

    public override string? Format(T row) => Get(row);

    protected override void WriteValue(BinaryCopyWriter writer, string? value) => writer.WriteText(value!);

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index) => values.SetText(index, strings.Get(utf8));

    public override ColumnError? Check(T row, ValidationContext context)
    {
        var value = Get(row);
        if (value is null)
        {
            return Required ? Missing() : null;
        }

        if (Required && string.IsNullOrWhiteSpace(value))
        {
            return new ColumnError(Name, value, $"{Name} is empty");
        }

        if (value.Length > MaxLength)
        {
            return new ColumnError(Name, value, $"{Name} '{value}' has {value.Length} characters; the column holds at most {MaxLength}");
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return new ColumnError(Name, value, $"{Name} contains a NUL character, which PostgreSQL text cannot store");
        }

        if (IsSymbol && SymbolProblem(value) is { } problem)
        {
            return new ColumnError(Name, value, $"{Name} '{value}' {problem}; symbols are compared exactly (case-sensitive), so clean them before ingesting");
        }

        return LoneSurrogateError(value);
    }

    private static string? SymbolProblem(string value)
    {
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return "has leading or trailing white space";
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) && c != ' ')
            {
                return string.Create(CultureInfo.InvariantCulture, $"contains the control character U+{(int)c:X4}");
            }
        }

        return null;
    }
}
