using System.Text;

namespace Trading.Timescale.Ingest.Internal;

/// <summary>
/// Turns UTF-8 field bytes into strings, reusing the string of a short value seen before (symbols, sources and
/// enum-like text repeat on every row), so a CSV import allocates no new string for them.
/// </summary>
internal sealed class CsvStrings
{
    private const int MaxCachedBytes = 32;
    private readonly Entry[] _entries = new Entry[2048];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxCachedBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        ref var entry = ref _entries[hash & (uint)(_entries.Length - 1)];
        if (entry.Bytes is { } bytes && utf8.SequenceEqual(bytes))
        {
            return entry.Value;
        }

        var value = Encoding.UTF8.GetString(utf8);
        entry = new Entry(utf8.ToArray(), value);
        return value;
    }

    private readonly record struct Entry(byte[]? Bytes, string Value);
}
