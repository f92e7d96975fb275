using NodaTime;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// The parsed fields of one CSV record, one typed slot per table column, reused from record to record so parsing
/// allocates nothing but the record (and strings not seen before).
/// </summary>
internal sealed class CsvValues(int columns)
{
    private readonly Slot[] _slots = new Slot[columns];

    public void Clear() => Array.Clear(_slots);

    public bool IsSet(int column) => _slots[column].Set;

    public string? Text(int column) => _slots[column].Set ? _slots[column].Text : null;

    public decimal? Decimal(int column) => _slots[column].Set ? _slots[column].Decimal : null;

    public long? Int64(int column) => _slots[column].Set ? _slots[column].Int64 : null;

    public double? Double(int column) => _slots[column].Set ? _slots[column].Double : null;

    public Instant? Instant(int column) => _slots[column].Set ? _slots[column].Instant : null;

    public LocalDate? Date(int column) => _slots[column].Set ? _slots[column].Date : null;

    /// <summary>The index of an enum column's name in its list of names.</summary>
    public int? Enum(int column) => _slots[column].Set ? (int)_slots[column].Int64 : null;

    public void SetText(int column, string value) => _slots[column] = new Slot { Set = true, Text = value };

    public void SetDecimal(int column, decimal value) => _slots[column] = new Slot { Set = true, Decimal = value };

    public void SetInt64(int column, long value) => _slots[column] = new Slot { Set = true, Int64 = value };

    public void SetDouble(int column, double value) => _slots[column] = new Slot { Set = true, Double = value };

    public void SetInstant(int column, Instant value) => _slots[column] = new Slot { Set = true, Instant = value };

    public void SetDate(int column, LocalDate value) => _slots[column] = new Slot { Set = true, Date = value };

    public void SetEnum(int column, int index) => _slots[column] = new Slot { Set = true, Int64 = index };

    private struct Slot
    {
        public bool Set;
        public string? Text;
        public decimal Decimal;
        public long Int64;
        public double Double;
        public Instant Instant;
        public LocalDate Date;
    }
}
