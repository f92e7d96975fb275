using System.Buffers.Text;
using System.Globalization;
using System.Text;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

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

/// <summary>What a numeric column accepts besides its precision.</summary>
internal enum NumberRange
{
    Any,
    Positive,
    NonNegative,
}

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

/// <summary><c>timestamptz</c>. The row's <c>timestamp</c> must not lie further in the future than the tolerance.</summary>
internal sealed class InstantColumn<T>(string name, bool required, bool notInFuture, Func<T, Instant?> get)
    : Column<T, Instant?>(name, "timestamptz", NpgsqlDbType.TimestampTz, required, false, get)
    where T : TradingRecord
{
    /// <summary>PostgreSQL's earliest timestamptz: 4714-11-24 BC (Julian), year -4713 in the proleptic ISO calendar.</summary>
    private static readonly Instant PostgresMinimum = Instant.FromUtc(-4713, 11, 24, 0, 0);

    public override string? Format(T row) => Get(row) is { } value ? ValidationContext.Format(value) : null;

    public override void Parse(ReadOnlySpan<byte> utf8, CsvStrings strings, CsvValues values, int index) => values.SetInstant(index, InstantText.Parse(Name, utf8));

    protected override void WriteValue(BinaryCopyWriter writer, Instant? value) => writer.WriteTimestamp(value!.Value);

    /// <summary>timestamptz keeps microseconds: instants that differ below that are the same key.</summary>
    public override bool KeyEquals(T x, T y) => Microseconds(Get(x)) == Microseconds(Get(y));

    public override int KeyHash(T row) => Microseconds(Get(row)).GetHashCode();

    private static long? Microseconds(Instant? value) => value is { } instant ? BinaryCopyWriter.Microseconds(instant) : null;

    public override ColumnError? Check(T row, ValidationContext context)
    {
        if (Get(row) is not { } value)
        {
            return Required ? Missing() : null;
        }

        if (value == Instant.MinValue || value == Instant.MaxValue)
        {
            return new ColumnError(Name, value == Instant.MinValue ? "-infinity" : "infinity",
                $"{Name} is {(value == Instant.MinValue ? "Instant.MinValue" : "Instant.MaxValue")}, which PostgreSQL would store as {(value == Instant.MinValue ? "-infinity" : "infinity")}; give a real time");
        }

        if (value < PostgresMinimum)
        {
            var early = ValidationContext.Format(value);
            return new ColumnError(Name, early, $"{Name} {early} is before 4713 BC, the earliest time PostgreSQL stores");
        }

        if (value == NodaConstants.UnixEpoch)
        {
            return new ColumnError(Name, ValidationContext.Format(value),
                $"{Name} is not set: 1970-01-01T00:00:00Z is the value of default(Instant)");
        }

        if (notInFuture && value > context.MaxTimestamp)
        {
            var text = ValidationContext.Format(value);
            return new ColumnError(Name, text,
                $"{Name} {text} is {ValidationContext.Format(value - context.Now)} in the future (tolerance {ValidationContext.Format(context.FutureTolerance)}); check the feed's clock and time zone");
        }

        return null;
    }
}

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
