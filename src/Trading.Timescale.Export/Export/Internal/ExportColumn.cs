using System.Globalization;
using NodaTime;
using Parquet.Schema;

namespace Trading.Timescale.Export;

/// <summary>The value kinds of export columns and their Parquet logical types.</summary>
internal enum ExportColumnType
{
    Timestamp,
    Decimal,
    Int64,
    Double,
    String,
    Date,
    Boolean,
}

/// <summary>One column of an export: name, type, nullability and what it holds (for the manifest).</summary>
internal sealed record ExportColumn(string Name, ExportColumnType Type, bool Nullable, string Definition, int Precision = 0, int Scale = 0)
{
    // The smallest magnitude a decimal(Precision, Scale) cannot hold.
    private readonly decimal _decimalLimit = Type != ExportColumnType.Decimal ? 0 : Precision - Scale > 28 ? decimal.MaxValue : Pow10(Precision - Scale);

    public string TypeName => Type switch
    {
        ExportColumnType.Timestamp => "timestamp[us, UTC]",
        ExportColumnType.Decimal => $"decimal({Precision},{Scale})",
        ExportColumnType.Int64 => "int64",
        ExportColumnType.Double => "double",
        ExportColumnType.Date => "date",
        ExportColumnType.Boolean => "boolean",
        _ => "string",
    };

    public DataField ToParquetField() => Type switch
    {
        ExportColumnType.Timestamp => new DateTimeDataField(Name, DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Micros, Nullable),
        ExportColumnType.Decimal => new DecimalDataField(Name, Precision, Scale, false, Nullable),
        ExportColumnType.Int64 => new DataField<long>(Name, Nullable),
        ExportColumnType.Double => new DataField<double>(Name, Nullable),
        ExportColumnType.Date => new DataField<DateOnly>(Name, Nullable),
        ExportColumnType.Boolean => new DataField<bool>(Name, Nullable),
        _ => new DataField<string>(Name, Nullable),
    };

    /// <summary>Checks a value against the column (type, nullability, decimal precision) and brings decimals to the column's scale.</summary>
    public object? Check(object? value)
    {
        if (value is null or DBNull)
        {
            return Nullable ? null : throw Missing();
        }

        return Type == ExportColumnType.Decimal && value is decimal d ? CheckDecimal(d) : value;
    }

    /// <summary>The error for a row without a value in a column that is not nullable.</summary>
    public InvalidDataException Missing() => new($"column '{Name}' is not nullable but a row has no value.");

    /// <summary>Brings a decimal to the column's scale, or fails when decimal(Precision, Scale) cannot hold it.</summary>
    public decimal CheckDecimal(decimal value)
    {
        // A value read from a column of the same scale (the common case) needs no rounding.
        var rounded = value.Scale <= Scale ? value : decimal.Round(value, Scale, MidpointRounding.AwayFromZero);
        return Math.Abs(rounded) < _decimalLimit
            ? rounded
            : throw new InvalidDataException($"column '{Name}' is decimal({Precision},{Scale}) but a row holds {value.ToString(CultureInfo.InvariantCulture)}.");
    }

    public string FormatCsv(object? value) => value switch
    {
        null => string.Empty,
        Instant i => InstantText(i),
        LocalDate date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => Quote(s),
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    private static string InstantText(Instant instant) =>
        NodaTime.Text.InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss.FFFFFF'Z'").Format(instant);

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
