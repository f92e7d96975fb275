using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>Checks raw JSON text the way <c>jsonb</c> input will: one well-formed value, no <c>\u0000</c>.</summary>
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
            reader.Read();

            // Skips the value; a second value after it throws.
            reader.Skip();
            reader.Read();
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return json.Contains("\\u0000", StringComparison.OrdinalIgnoreCase)
            ? "it contains the escape \\u0000, which jsonb cannot store"
            : null;
    }
}
