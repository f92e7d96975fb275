using System.Globalization;
using System.Text;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// The CSV file the import benchmark loads (and the integration tests check): the bars of
/// <c>Bars.Generate(rows, symbols, 2026-03-02T14:30Z, 1 minute)</c> with every column filled, written the way an
/// export would (<c>2026-03-02T14:30:00Z</c>, invariant numbers).
/// </summary>
internal static class BarsCsv
{
    /// <summary>The header: every written column of trading.stock_prices.</summary>
    public const string Header = "symbol,timestamp,open_price,high_price,low_price,close_price,volume,vwap,market_cap,shares_outstanding";

    /// <summary>Writes <paramref name="rows"/> bars over <paramref name="symbols"/> symbols to <paramref name="path"/>.</summary>
    public static void Write(string path, int rows, int symbols)
    {
        var start = new DateTime(2026, 3, 2, 14, 30, 0, DateTimeKind.Utc);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        writer.NewLine = "\n";
        writer.WriteLine(Header);
        for (var i = 0; i < rows; i++)
        {
            var open = 50m + (i % 997 * 0.01m);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SYM{i % symbols:D4},{start.AddMinutes(i / symbols):yyyy-MM-dd'T'HH:mm:ss'Z'},{open},{open + 0.35m},{open - 0.2m},{open + 0.1m},{10_000 + i},{open + 0.05m},{1_000_000_000L + i},50000000"));
        }
    }
}
