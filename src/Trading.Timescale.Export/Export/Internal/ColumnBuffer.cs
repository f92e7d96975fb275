using NodaTime;
using Parquet;
using Parquet.Schema;

namespace Trading.Timescale.Export;

/// <summary>The values of one column for the row group being filled.</summary>
internal abstract class ColumnBuffer
{
    public static ColumnBuffer For(ExportColumn column, DataField field) => column.Type switch
    {
        ExportColumnType.Timestamp => new ValueBuffer<DateTime>(field, v => ((Instant)v).ToDateTimeUtc()),
        ExportColumnType.Decimal => new ValueBuffer<decimal>(field, v => (decimal)v),
        ExportColumnType.Int64 => new ValueBuffer<long>(field, v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)),
        ExportColumnType.Double => new ValueBuffer<double>(field, v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)),
        ExportColumnType.Date => new ValueBuffer<DateOnly>(field, v => ((LocalDate)v).ToDateOnly()),
        ExportColumnType.Boolean => new ValueBuffer<bool>(field, v => (bool)v),
        _ => new StringBuffer(field),
    };

    public abstract void Set(int row, object? value);

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken);

    private sealed class ValueBuffer<T>(DataField field, Func<object, T> convert) : ColumnBuffer
        where T : struct
    {
        private T?[] _values = new T?[1024];

        public override void Set(int row, object? value)
        {
            if (row >= _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }

            _values[row] = value is null ? null : convert(value);
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
    }

    private sealed class StringBuffer(DataField field) : ColumnBuffer
    {
        private string?[] _values = new string?[1024];

        public override void Set(int row, object? value)
        {
            if (row >= _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }

            _values[row] = (string?)value;
        }

        public override Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
            writer.WriteAsync(field, new ArraySegment<string>(_values!, 0, count), null);
    }
}
