using NodaTime;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace Trading.Timescale.Export;

/// <summary>
/// The values of one column for the row group being filled, set from a value or read straight from a data reader.
/// Values are kept packed (nulls take no slot) with one definition level per row for a nullable column, which is the
/// form a Parquet column chunk is written in; the arrays are reused from one row group to the next.
/// </summary>
internal abstract class ColumnBuffer
{
    public static ColumnBuffer For(ExportColumn column, DataField field) => column.Type switch
    {
        ExportColumnType.Timestamp => new ValueBuffer<DateTime>(field, column, v => ((Instant)v).ToDateTimeUtc(), (r, o) => r.GetFieldValue<Instant?>(o)?.ToDateTimeUtc()),
        ExportColumnType.Decimal => new ValueBuffer<decimal>(field, column, v => (decimal)v, (r, o) => r.GetFieldValue<decimal?>(o) is { } d ? column.CheckDecimal(d) : null),
        ExportColumnType.Int64 => new ValueBuffer<long>(field, column, v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture), (r, o) => r.GetFieldValue<long?>(o)),
        ExportColumnType.Double => new ValueBuffer<double>(field, column, v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture), (r, o) => r.GetFieldValue<double?>(o)),
        ExportColumnType.Date => new ValueBuffer<DateOnly>(field, column, v => ((LocalDate)v).ToDateOnly(), (r, o) => r.GetFieldValue<LocalDate?>(o)?.ToDateOnly()),
        ExportColumnType.Boolean => new ValueBuffer<bool>(field, column, v => (bool)v, (r, o) => r.GetFieldValue<bool?>(o)),
        _ => new StringBuffer(field, column),
    };

    /// <summary>Empties the buffer for the next row group; the arrays stay.</summary>
    public abstract void Clear();

    /// <summary>Sets the value of the next row; <see cref="ExportColumn.Check"/> has passed it.</summary>
    public abstract void Add(object? value);

    /// <summary>Reads the reader's column <paramref name="ordinal"/> of the current row as the next row, checked against the column.</summary>
    public abstract void Read(NpgsqlDataReader reader, int ordinal);

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken);

    /// <summary>A column of a value type: packed values, and a definition level per row (1 set, 0 null) when nullable.</summary>
    internal sealed class ValueBuffer<T>(DataField field, ExportColumn column, Func<object, T> convert, Func<NpgsqlDataReader, int, T?> read) : ColumnBuffer
        where T : struct
    {
        private T[] _values = new T[1024];
        private int[] _levels = field.IsNullable ? new int[1024] : [];
        private int _rows;
        private int _present;

        public override void Clear() => (_rows, _present) = (0, 0);

        /// <summary>Sets the next row's value (set, so never a null).</summary>
        public void AddValue(T value)
        {
            if (_present == _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }

            _values[_present++] = value;
            if (_levels.Length != 0)
            {
                Level(1);
            }

            _rows++;
        }

        public override void Add(object? value)
        {
            if (value is null)
            {
                AddNull();
            }
            else
            {
                AddValue(convert(value));
            }
        }

        public override void Read(NpgsqlDataReader reader, int ordinal)
        {
            // One call per value: a null comes back as null instead of a separate IsDBNull before the read.
            if (read(reader, ordinal) is { } value)
            {
                AddValue(value);
            }
            else
            {
                AddNull();
            }
        }

        public override Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
            _levels.Length != 0
                ? writer.WriteAllPartsAsync<T>(field, _values.AsMemory(0, _present), _levels.AsMemory(0, count), null, cancellationToken)
                : writer.WriteAsync<T>(field, _values.AsMemory(0, count), null, null, cancellationToken);

        private void AddNull()
        {
            if (!column.Nullable)
            {
                throw column.Missing();
            }

            Level(0);
            _rows++;
        }

        private void Level(int level)
        {
            if (_rows == _levels.Length)
            {
                Array.Resize(ref _levels, _levels.Length * 2);
            }

            _levels[_rows] = level;
        }
    }

    /// <summary>A text column: Parquet.Net takes a string column with its nulls in place.</summary>
    internal sealed class StringBuffer(DataField field, ExportColumn column) : ColumnBuffer
    {
        private string?[] _values = new string?[1024];
        private int _rows;

        public override void Clear()
        {
            Array.Clear(_values, 0, _rows);
            _rows = 0;
        }

        /// <summary>Sets the next row's value.</summary>
        public void AddValue(string? value)
        {
            if (_rows == _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }

            _values[_rows++] = value;
        }

        public override void Add(object? value) => AddValue((string?)value);

        public override void Read(NpgsqlDataReader reader, int ordinal) =>
            AddValue(!reader.IsDBNull(ordinal) ? reader.GetString(ordinal) : column.Nullable ? null : throw column.Missing());

        public override Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
            writer.WriteAsync(field, new ArraySegment<string>(_values!, 0, count), null);
    }
}
