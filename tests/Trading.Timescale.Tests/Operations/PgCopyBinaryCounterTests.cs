using System.Buffers.Binary;
using Trading.Timescale.Operations;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.Tests.Operations;

/// <summary>The check of a binary COPY stream that a portable backup's tables pass through, fed in pieces of every size.</summary>
public class PgCopyBinaryCounterTests
{
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0];

    // A stream of rows, each a list of fields (null for SQL NULL), with a header extension of `extension` bytes.
    private static byte[] Stream(IEnumerable<byte[]?[]> rows, int extension = 0, bool trailer = true)
    {
        var bytes = new List<byte>(Signature);
        bytes.AddRange(Int32(0));
        bytes.AddRange(Int32(extension));
        bytes.AddRange(new byte[extension]);
        foreach (var row in rows)
        {
            bytes.AddRange(Int16((short)row.Length));
            foreach (var field in row)
            {
                bytes.AddRange(Int32(field?.Length ?? -1));
                bytes.AddRange(field ?? []);
            }
        }

        if (trailer)
        {
            bytes.AddRange(Int16(-1));
        }

        return [.. bytes];
    }

    private static byte[] Int16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static PgCopyBinaryCounter Count(byte[] data, int piece)
    {
        var counter = new PgCopyBinaryCounter("table t");
        for (var at = 0; at < data.Length; at += piece)
        {
            counter.Feed(data.AsSpan(at, Math.Min(piece, data.Length - at)));
        }

        counter.Complete();
        return counter;
    }

    private static readonly byte[]?[][] ThreeRows = [[[1, 2, 3, 4], null, []], [[5], [6, 7], null], [null, null, [8, 9, 10]]];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Rows_and_fields_are_counted_whatever_the_pieces(int piece)
    {
        var counter = Count(Stream(ThreeRows, extension: 5), piece);

        Assert.Equal(3, counter.Rows);
        Assert.Equal(3, counter.Fields);
        Assert.Equal(Stream(ThreeRows, extension: 5).Length, counter.Bytes);
    }

    [Fact]
    public void An_empty_table_has_no_rows()
    {
        var counter = Count(Stream([]), 2);

        Assert.Equal(0, counter.Rows);
        Assert.Equal(-1, counter.Fields);
    }

    [Fact]
    public void A_stream_cut_short_is_refused_at_its_end()
    {
        var data = Stream(ThreeRows);
        var counter = new PgCopyBinaryCounter("table t");
        counter.Feed(data.AsSpan(0, data.Length - 5));

        var error = Assert.Throws<TradingBackupException>(counter.Complete);

        Assert.Equal($"table t is not a valid binary COPY stream: it ends after {data.Length - 5} bytes in row 3, before its end marker.", error.Message);
    }

    [Fact]
    public void Bytes_after_the_end_marker_are_refused()
    {
        var data = Stream(ThreeRows).Concat(new byte[] { 0, 1 }).ToArray();

        var error = Assert.Throws<TradingBackupException>(() => Count(data, 64));

        Assert.Contains("2 bytes follow its end marker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_another_number_of_fields_is_refused()
    {
        var data = Stream([[[1], [2]], [[3], [4], [5]]]);

        var error = Assert.Throws<TradingBackupException>(() => Count(data, 1));

        Assert.Contains("row 2 has 3 fields, and the rows before it 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_field_length_other_than_null_is_refused()
    {
        var data = Stream([[[1]]]);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(Signature.Length + 8 + 2), -7);

        var error = Assert.Throws<TradingBackupException>(() => Count(data, 16));

        Assert.Contains("row 1 has a field of length -7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_stream_or_one_with_oids_is_refused()
    {
        var text = Assert.Throws<TradingBackupException>(() => Count("1\tAAPL\n\\.\n"u8.ToArray(), 16));
        var withOids = Stream(ThreeRows);
        BinaryPrimitives.WriteInt32BigEndian(withOids.AsSpan(Signature.Length), 1 << 16);
        var oids = Assert.Throws<TradingBackupException>(() => Count(withOids, 16));

        Assert.Contains("does not start with the binary COPY signature", text.Message, StringComparison.Ordinal);
        Assert.Contains("its header flags are 0x00010000", oids.Message, StringComparison.Ordinal);
    }
}
