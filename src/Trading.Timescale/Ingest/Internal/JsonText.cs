using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Checks raw JSON text the way <c>jsonb</c> input will: one well-formed value, and no string escape that jsonb
/// refuses (<c>\u0000</c>, or a <c>\uD800</c>–<c>\uDFFF</c> surrogate escape without its pair). Escaped backslashes
/// (<c>\\u0000</c> is a backslash and the text u0000) pass.
/// </summary>
internal static class JsonText
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 1000 };

    /// <summary>Returns <see langword="null"/> when <paramref name="json"/> is valid, else what is wrong.</summary>
    public static string? Check(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "it is empty";
        }

        var length = Encoding.UTF8.GetMaxByteCount(json.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var count = Encoding.UTF8.GetBytes(json, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, count), Options);
            string? problem = null;
            while (reader.Read())
            {
                if (problem is null && reader.ValueIsEscaped && reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    problem = CheckEscapes(reader.ValueSpan);
                }

                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    // A complete top-level value; one more token is an error the reader raises.
                    break;
                }
            }

            // A second value after the first throws.
            reader.Read();
            return problem;
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Looks at the <c>\uXXXX</c> escapes of one raw (still escaped) JSON string.</summary>
    private static string? CheckEscapes(ReadOnlySpan<byte> raw)
    {
        var pendingHigh = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                if (pendingHigh)
                {
                    return "it contains a \\uD800-\\uDBFF escape without the low surrogate after it, which jsonb refuses";
                }

                continue;
            }

            var kind = raw[i + 1];
            if (kind != (byte)'u')
            {
                if (pendingHigh)
                {
                    return "it contains a \\uD800-\\uDBFF escape without the low surrogate after it, which jsonb refuses";
                }

                i++;
                continue;
            }

            var code = int.Parse(Encoding.ASCII.GetString(raw.Slice(i + 2, 4)), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            i += 5;
            if (code == 0)
            {
                return "it contains the escape \\u0000, which jsonb cannot store";
            }

            if (code is >= 0xD800 and <= 0xDBFF)
            {
                if (pendingHigh)
                {
                    return "it contains a \\uD800-\\uDBFF escape without the low surrogate after it, which jsonb refuses";
                }

                pendingHigh = true;
            }
            else if (code is >= 0xDC00 and <= 0xDFFF)
            {
                if (!pendingHigh)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"it contains the escape \\u{code:x4}, a low surrogate without its high surrogate, which jsonb refuses");
                }

                pendingHigh = false;
            }
            else if (pendingHigh)
            {
                return "it contains a \\uD800-\\uDBFF escape without the low surrogate after it, which jsonb refuses";
            }
        }

        return pendingHigh ? "it contains a \\uD800-\\uDBFF escape without the low surrogate after it, which jsonb refuses" : null;
    }
}
