using NodaTime;

namespace Trading.Timescale.Export;

/// <summary>Argument checks shared by the export requests.</summary>
internal static class ExportChecks
{
    public static void Range(Instant from, Instant to)
    {
        if (from >= to)
        {
            throw new ArgumentException($"From ({from}) must be before To ({to}).", "From");
        }
    }

    public static void Symbols(IReadOnlyList<string>? symbols)
    {
        if (symbols is null)
        {
            return;
        }

        foreach (var symbol in symbols)
        {
            if (string.IsNullOrWhiteSpace(symbol))
            {
                throw new ArgumentException("Symbols holds an empty symbol.", nameof(Symbols));
            }
        }
    }

    public static void Positive(TimescaleInterval interval, string name)
    {
        if (!interval.IsPositive || interval.Months != 0)
        {
            throw new ArgumentOutOfRangeException(name, interval.ToString(), $"{name} must be a positive width without months, such as 5 minutes.");
        }
    }
}
