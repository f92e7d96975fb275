using System.Globalization;
using NodaTime;

namespace QuickStart;

/// <summary>How the demo's tables write times, prices and ratios: invariant culture, New York time.</summary>
internal static class Cells
{
    public static IReadOnlyList<string> Row(params string[] cells) => cells;

    public static string Time(Instant instant) => instant.InZone(SampleMarket.Exchange).ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Price(decimal? price) => price?.ToString("N2", CultureInfo.InvariantCulture) ?? "-";

    public static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    public static string Percent(double? value) => value?.ToString("0.00%", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>A return with its sign always written, so a gain reads +1.20% and a loss -1.20%.</summary>
    public static string SignedPercent(double? value) => value?.ToString("+0.00%;-0.00%;0.00%", CultureInfo.InvariantCulture) ?? "-";
}
