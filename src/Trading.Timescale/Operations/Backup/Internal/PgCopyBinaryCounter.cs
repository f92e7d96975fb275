using System.Buffers.Binary;

namespace Trading.Timescale.Operations.Internal;

/// <summary>
/// Checks a PostgreSQL binary COPY stream as its bytes go by (signature, flags, header extension, tuples, trailer) and
/// counts its rows, holding only a few bytes: every tuple must have the same number of fields, every field length must
/// be -1 (NULL) or fit the stream, and nothing may follow the trailer.
/// </summary>
internal sealed class PgCopyBinaryCounter(string source)
{
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0];

    private enum State
    {
        Signature,
        Flags,
        ExtensionLength,
        Extension,
        FieldCount,
        FieldLength,
        FieldData,
        Done,
    }

    private readonly byte[] _number = new byte[4];
    private State _state = State.Signature;
    private int _filled;
    private long _skip;
    private int _fieldsLeft;

    /// <summary>The rows seen so far.</summary>
    public long Rows { get; private set; }

    /// <summary>The number of fields of every row, or -1 before the first row.</summary>
    public int Fields { get; private set; } = -1;

    /// <summary>The bytes seen so far.</summary>
    public long Bytes { get; private set; }

    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            switch (_state)
            {
                case State.Signature:
                {
                    var take = Math.Min(Signature.Length - _filled, data.Length);
                    if (!data[..take].SequenceEqual(Signature.AsSpan(_filled, take)))
                    {
                        throw Invalid("it does not start with the binary COPY signature PGCOPY");
                    }

                    Advance(ref data, take);
                    _filled += take;
                    if (_filled == Signature.Length)
                    {
                        _filled = 0;
                        _state = State.Flags;
                    }

                    break;
                }

                case State.Flags:
                    if (Fill(ref data, 4) is { } flags)
                    {
                        if (flags != 0)
                        {
                            throw Invalid($"its header flags are 0x{flags:x8}, and only 0 (no OIDs) is accepted");
                        }

                        _state = State.ExtensionLength;
                    }

                    break;
                case State.ExtensionLength:
                    if (Fill(ref data, 4) is { } extension)
                    {
                        if (extension < 0)
                        {
                            throw Invalid($"its header extension length is {extension}");
                        }

                        _skip = extension;
                        _state = State.Extension;
                    }

                    break;
                case State.Extension:
                case State.FieldData:
                {
                    var take = (int)Math.Min(_skip, data.Length);
                    Advance(ref data, take);
                    _skip -= take;
                    if (_skip == 0)
                    {
                        _state = _state == State.Extension || --_fieldsLeft == 0 ? State.FieldCount : State.FieldLength;
                    }

                    break;
                }

                case State.FieldCount:
                    if (Fill(ref data, 2) is { } count)
                    {
                        if (count == -1)
                        {
                            _state = State.Done;
                        }
                        else if (count <= 0 || (Fields >= 0 && count != Fields))
                        {
                            throw Invalid($"row {Rows + 1} has {count} fields{(Fields >= 0 ? $", and the rows before it {Fields}" : string.Empty)}");
                        }
                        else
                        {
                            Fields = count;
                            _fieldsLeft = count;
                            Rows++;
                            _state = State.FieldLength;
                        }
                    }

                    break;
                case State.FieldLength:
                    if (Fill(ref data, 4) is { } length)
                    {
                        if (length < -1)
                        {
                            throw Invalid($"row {Rows} has a field of length {length}");
                        }

                        if (length <= 0)
                        {
                            _state = --_fieldsLeft == 0 ? State.FieldCount : State.FieldLength;
                        }
                        else
                        {
                            _skip = length;
                            _state = State.FieldData;
                        }
                    }

                    break;
                case State.Done:
                    throw Invalid($"{data.Length} bytes follow its end marker");
                default:
                    throw new InvalidOperationException(_state.ToString());
            }
        }
    }

    /// <summary>Throws unless the stream ended right after its end marker.</summary>
    public void Complete()
    {
        if (_state != State.Done)
        {
            throw Invalid($"it ends after {Bytes} bytes{(Rows > 0 ? $" in row {Rows}" : string.Empty)}, before its end marker");
        }
    }

    private void Advance(ref ReadOnlySpan<byte> data, int count)
    {
        data = data[count..];
        Bytes += count;
    }

    // Collects a big-endian integer of `size` bytes across calls; null until it is complete.
    private int? Fill(ref ReadOnlySpan<byte> data, int size)
    {
        var take = Math.Min(size - _filled, data.Length);
        data[..take].CopyTo(_number.AsSpan(_filled));
        Advance(ref data, take);
        _filled += take;
        if (_filled < size)
        {
            return null;
        }

        _filled = 0;
        return size == 2 ? BinaryPrimitives.ReadInt16BigEndian(_number) : BinaryPrimitives.ReadInt32BigEndian(_number);
    }

    private TradingBackupException Invalid(string what) => new($"{source} is not a valid binary COPY stream: {what}.");
}
