using NodaTime;
using Npgsql;
using Parquet;
using Parquet.Schema;

namespace Trading.Timescale.Export;

/// <summary>The values of one column for the row group being filled, set from a value or read straight from a data reader.</summary>
internal abstract class ColumnBuffer
{
    public static ColumnBuffer For(ExportColumn column, DataField field) => column.Type switch
    {
        ExportColumnType.Timestamp => new ValueBuffer<DateTime>(field, column, v => ((Instant)v).ToDateTimeUtc(), (r, o) => r.GetFieldValue<Instant>(o).ToDateTimeUtc()),
        ExportColumnType.Decimal => new ValueBuffer<decimal>(field, column, v => (decimal)v, (r, o) => column.CheckDecimal(r.GetDecimal(o))),
        ExportColumnType.Int64 => new ValueBuffer<long>(field, column, v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture), (r, o) => r.GetInt64(o)),
        ExportColumnType.Double => new ValueBuffer<double>(field, column, v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture), (r, o) => r.GetDouble(o)),
        ExportColumnType.Date => new ValueBuffer<DateOnly>(field, column, v => ((LocalDate)v).ToDateOnly(), (r, o) => r.GetFieldValue<LocalDate>(o).ToDateOnly()),
        ExportColumnType.Boolean => new ValueBuffer<bool>(field, column, v => (bool)v, (r, o) => r.GetBoolean(o)),
        _ => new StringBuffer(field, column),
    };

    /// <summary>Sets a value that <see cref="ExportColumn.Check"/> has passed.</summary>
    public abstract void Set(int row, object? value);

    /// <summary>Reads the reader's column <paramref name="ordinal"/> of the current row, checked against the column.</summary>
    public abstract void Read(NpgsqlDataReader reader, int ordinal, int row);

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken);

    private sealed class ValueBuffer<T>(DataField field, ExportColumn column, Func<object, T> convert, Func<NpgsqlDataReader, int, T> read) : ColumnBuffer
        where T : struct
    {
        private T?[] _values = new T?[1024];

        public override void Set(int row, object? value)
        {
            Grow(row);
            _values[row] = value is null ? null : convert(value);
        }

        public override void Read(NpgsqlDataReader reader, int ordinal, int row)
        {
            Grow(row);
            _values[row] = !reader.IsDBNull(ordinal) ? read(reader, ordinal) : column.Nullable ? null : throw column.Missing();
        }

        public override async Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken)
        {
            if (field.IsNullable)
            {
                await writer.WriteAsync<T>(field, _values.AsMemory(0, count), null, null, cancellationToken).ConfigureAwait(false);
                return;
            }

            var values = new T[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = _values[i]!.Value;
            }

            await writer.WriteAsync<T>(field, values.AsMemory(), null, null, cancellationToken).ConfigureAwait(false);
        }

        private void Grow(int row)
        {
            if (row >= _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }
        }
    }

    private sealed class StringBuffer(DataField field, ExportColumn column) : ColumnBuffer
    {
        private string?[] _values = new string?[1024];

        public override void Set(int row, object? value)
        {
            Grow(row);
            _values[row] = (string?)value;
        }

        public override void Read(NpgsqlDataReader reader, int ordinal, int row)
        {
            Grow(row);
            _values[row] = !reader.IsDBNull(ordinal) ? reader.GetString(ordinal) : column.Nullable ? null : throw column.Missing();
        }

        public override Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
            writer.WriteAsync(field, new ArraySegment<string>(_values!, 0, count), null);

        private void Grow(int row)
        {
            if (row >= _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }
        }
    }
}
