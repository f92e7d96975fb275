using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using NodaTime;
using Npgsql;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format into a pooled buffer and hands it to a raw COPY stream in large
/// writes. Values are encoded here rather than through per-value parameters: the encodings are the ones Npgsql uses
/// (numeric from <see cref="decimal"/> with its scale, timestamptz as microseconds since 2000 truncated toward zero,
/// timestamps and dates with infinities for the extremes, jsonb version 1).
/// </summary>
internal sealed class BinaryCopyWriter : IAsyncDisposable
{
    /// <summary>A buffer this full is sent after the row that filled it.</summary>
    private const int FlushThreshold = 1 << 16;

    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static readonly Instant PostgresEpoch = Instant.FromUtc(2000, 1, 1, 0, 0);

    private static readonly LocalDate PostgresEpochDate = new(2000, 1, 1);

    private readonly NpgsqlRawCopyStream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(FlushThreshold * 2);
    private int _position;
    private bool _done;

    private BinaryCopyWriter(NpgsqlRawCopyStream stream)
    {
        _stream = stream;
        Header.CopyTo(_buffer, 0);
        _position = Header.Length;
    }

    /// <summary>Starts <paramref name="copySql"/> (a <c>COPY ... FROM STDIN (FORMAT BINARY)</c>) on the connection.</summary>
    public static async Task<BinaryCopyWriter> BeginAsync(NpgsqlConnection connection, string copySql, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stream = await connection.BeginRawBinaryCopyAsync(copySql, cancellationToken).ConfigureAwait(false);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            stream.WriteTimeout = stream.ReadTimeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
        }

        return new BinaryCopyWriter(stream);
    }

    /// <summary>Copies <paramref name="rows"/> with <paramref name="copySql"/> in one COPY.</summary>
    public static async Task CopyAsync<T>(NpgsqlConnection connection, string copySql, Column<T>[] columns, IEnumerable<T> rows, TimeSpan timeout, CancellationToken cancellationToken)
        where T : TradingRecord
    {
        var writer = await BeginAsync(connection, copySql, timeout, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                writer.WriteRow(columns, row);
                if (writer.ShouldFlush)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Microseconds since 2000-01-01 UTC, truncated toward zero: what timestamptz stores for the instant.</summary>
    public static long Microseconds(Instant value)
    {
        // Days and NanosecondOfDay are both truncated toward zero and share the duration's sign.
        var since = value - PostgresEpoch;
        return (since.Days * 86_400_000_000L) + (since.NanosecondOfDay / 1000);
    }

    /// <summary>Whether the buffer is full enough to send (call <see cref="FlushAsync"/> between rows).</summary>
    public bool ShouldFlush => _position >= FlushThreshold;

    /// <summary>Writes one row: each column's value of <paramref name="row"/>, in order.</summary>
    public void WriteRow<T>(Column<T>[] columns, T row)
        where T : TradingRecord
    {
        StartRow(columns.Length);
        foreach (var column in columns)
        {
            column.Write(this, row);
        }
    }

    public void StartRow(int columns)
    {
        var span = Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(span, (short)columns);
        _position += 2;
    }

    public void WriteNull()
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);
        _position += 4;
    }

    public void WriteInt32(int value)
    {
        var span = Reserve(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
        _position += 8;
    }

    public void WriteInt64(long value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        _position += 12;
    }

    public void WriteDouble(double value)
    {
        var span = Reserve(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteDoubleBigEndian(span[4..], value);
        _position += 12;
    }

    /// <summary>timestamptz; <see cref="Instant.MaxValue"/> and <see cref="Instant.MinValue"/> are the infinities (validation refuses both).</summary>
    public void WriteTimestamp(Instant value) =>
        WriteInt64(value == Instant.MaxValue ? long.MaxValue : value == Instant.MinValue ? long.MinValue : Microseconds(value));

    public void WriteDate(LocalDate value)
    {
        var days = value == LocalDate.MaxIsoValue ? int.MaxValue
            : value == LocalDate.MinIsoValue ? int.MinValue
            : Period.DaysBetween(PostgresEpochDate, value);
        WriteInt32(days);
    }

    /// <summary>text, varchar: the string's UTF-8 bytes.</summary>
    public void WriteText(string value) => WriteUtf8(value, version: null);

    /// <summary>jsonb: the version byte 1, then the JSON text.</summary>
    public void WriteJsonb(string value) => WriteUtf8(value, version: 1);

    /// <summary>numeric: base-10000 digits with the decimal's own scale as display scale.</summary>
    public void WriteNumeric(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;

        // Scale the mantissa so the decimal point falls between base-10000 digits.
        var pad = (4 - (scale % 4)) % 4;
        var mantissa = new UInt128((uint)bits[2], ((ulong)(uint)bits[1] << 32) | (uint)bits[0]) * Pow10[pad];
        var fractionGroups = (scale + pad) / 4;

        Span<short> digits = stackalloc short[10];
        var count = 0;
        if (mantissa <= ulong.MaxValue)
        {
            for (var small = (ulong)mantissa; small != 0; small /= 10_000)
            {
                digits[count++] = (short)(small % 10_000);
            }
        }
        else
        {
            while (mantissa != 0)
            {
                (mantissa, var remainder) = UInt128.DivRem(mantissa, 10_000);
                digits[count++] = (short)remainder;
            }
        }

        var weight = count == 0 ? 0 : count - 1 - fractionGroups;
        var lowest = 0;
        while (lowest < count && digits[lowest] == 0)
        {
            lowest++;
        }

        var stored = count - lowest;
        var span = Reserve(4 + 8 + (2 * stored));
        BinaryPrimitives.WriteInt32BigEndian(span, 8 + (2 * stored));
        BinaryPrimitives.WriteInt16BigEndian(span[4..], (short)stored);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], bits[3] < 0 && stored > 0 ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(span[10..], (short)scale);
        var offset = 12;
        for (var i = count - 1; i >= lowest; i--, offset += 2)
        {
            BinaryPrimitives.WriteInt16BigEndian(span[offset..], digits[i]);
        }

        _position += 4 + 8 + (2 * stored);
    }

    /// <summary>Sends what the buffer holds.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_position > 0)
        {
            await _stream.WriteAsync(_buffer.AsMemory(0, _position), cancellationToken).ConfigureAwait(false);
            _position = 0;
        }
    }

    /// <summary>Writes the trailer and ends the COPY; the server's error for any row surfaces here.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
        _position += 2;
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        _done = true;
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Abandons an unfinished COPY: the server discards every row of it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_done)
            {
                _done = true;
                try
                {
                    await _stream.CancelAsync().ConfigureAwait(false);
                }
                finally
                {
                    await _stream.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            var buffer = _buffer;
            _buffer = [];
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private void WriteUtf8(string value, byte? version)
    {
        var prefix = version is null ? 4 : 5;
        var span = Reserve(prefix + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[prefix..]);
        if (version is { } v)
        {
            span[4] = v;
        }

        BinaryPrimitives.WriteInt32BigEndian(span, length + prefix - 4);
        _position += prefix + length;
    }

    /// <summary>The free part of the buffer, at least <paramref name="size"/> bytes (a long value grows it).</summary>
    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _position < size)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + size));
            _buffer.AsSpan(0, _position).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsSpan(_position);
    }

    private static readonly UInt128[] Pow10 = [1, 10, 100, 1000];
}
