using System.Buffers.Text;
using System.Globalization;
using NpgsqlTypes;

namespace Trading.Timescale.Ingest.Internal;

/// <summary><c>DECIMAL(p,s)</c>: the magnitude stays below 10^(p-s) and at most s decimal places are significant.</summary>
internal sealed class DecimalColumn<T>(string name, int precision, int scale, NumberRange range, bool required, Func<T, decimal?> get)
    : Column<T, decimal?>(name, $"numeric({precision},{scale})", NpgsqlDbType.Numeric, required, false, get)
    where T : TradingRecord
{
    private readonly decimal _limit = Pow10(precision - scale);

    public int Precision { get; } = precision;

    public int Scale { get; } = scale;

    public NumberRange Range { get; } = range;

    public override string? Format(T row) => Get(row) is { } value ? Invariant(value) : null;

    protected override void WriteValue(BinaryCopyWriter writer, decimal? value) => writer.WriteNumeric(value!.Value);

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index)
    {
        if (Utf8Parser.TryParse(utf8, out decimal fast, out var used) && used == utf8.Length)
        {
            values.SetDecimal(index, fast);
            return;
        }

        var text = Text(utf8);
        values.SetDecimal(index, decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{Name} '{text}' is not a number"));
    }

    public override ColumnError? Check(T row, ValidationContext context)
    {
        if (Get(row) is not { } value)
        {
            return Required ? Missing() : null;
        }

        // Read sign, scale and mantissa once: cheaper than decimal comparisons on the hot path.
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        if (!FitsPrecision(value, bits, scale))
        {
            return new ColumnError(Name, Invariant(value),
                $"{Name} {Invariant(value)} does not fit DECIMAL({Precision},{Scale}): its magnitude must be below {_limit.ToString("N0", CultureInfo.InvariantCulture)}");
        }

        if (scale > Scale && decimal.Round(value, Scale) != value)
        {
            var places = (value / 1.0000000000000000000000000000m).Scale;
            return new ColumnError(Name, Invariant(value),
                $"{Name} {Invariant(value)} has {places} decimal places; DECIMAL({Precision},{Scale}) keeps {Scale}, so round it before ingesting");
        }

        var zero = (bits[0] | bits[1] | bits[2]) == 0;
        var negative = bits[3] < 0 && !zero;
        return Range switch
        {
            NumberRange.Positive when negative || zero => new ColumnError(Name, Invariant(value), $"{Name} {Invariant(value)} is not positive"),
            NumberRange.NonNegative when negative => new ColumnError(Name, Invariant(value), $"{Name} {Invariant(value)} is negative"),
            _ => null,
        };
    }

    /// <summary>|value| &lt; 10^(p-s), that is mantissa &lt; 10^(p-s+scale).</summary>
    private bool FitsPrecision(decimal value, ReadOnlySpan<int> bits, int scale)
    {
        var exponent = Precision - Scale + scale;
        if (bits[2] == 0)
        {
            var mantissa = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
            return exponent >= PowersOfTen.Length || mantissa < PowersOfTen[exponent];
        }

        // The mantissa is at least 2^64, above 10^19.
        return exponent >= PowersOfTen.Length && Math.Abs(value) < _limit;
    }

    private static readonly ulong[] PowersOfTen = [.. Enumerable.Range(0, 20).Select(e => (ulong)Pow10(e))];

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
