using System.Globalization;
using System.Security;
using System.Text;
using NodaTime;

namespace QuickStart;

/// <summary>One bar of the chart: the close, its Bollinger Bands and RSI (<see langword="null"/> during warm-up).</summary>
internal sealed record ChartPoint(Instant Time, double Close, double? Middle, double? Upper, double? Lower, double? Rsi);

/// <summary>A standalone SVG chart: price with Bollinger Bands on top, RSI with its 30/70 lines below.</summary>
internal static class Chart
{
    private const double Width = 1000, Height = 640, Left = 70, Right = 20;
    private const double PriceTop = 50, PriceBottom = 400, RsiTop = 450, RsiBottom = 580;

    /// <summary>Renders <paramref name="points"/> (oldest first, at least two) as SVG text, times shown in <paramref name="zone"/>.</summary>
    public static string Svg(string title, IReadOnlyList<ChartPoint> points, DateTimeZone zone)
    {
        if (points.Count < 2)
        {
            throw new ArgumentException("A chart needs at least two points.", nameof(points));
        }

        var prices = points.SelectMany(p => new[] { p.Close, p.Upper ?? p.Close, p.Lower ?? p.Close }).ToArray();
        var (low, high) = NiceRange(prices.Min(), prices.Max());
        var start = points[0].Time;
        var span = (points[^1].Time - start).TotalMinutes;
        double X(Instant t) => Left + (t - start).TotalMinutes / span * (Width - Left - Right);
        double PriceY(double v) => PriceBottom - (v - low) / (high - low) * (PriceBottom - PriceTop);
        double RsiY(double v) => RsiBottom - v / 100 * (RsiBottom - RsiTop);

        var svg = new StringBuilder();
        svg.Append(Invariant($"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">"""));
        svg.Append(Invariant($"""<rect width="{Width}" height="{Height}" fill="white"/>"""));
        svg.Append(Invariant($"""<text x="{Left}" y="28" font-size="16" font-weight="bold">{Escape(title)}</text>"""));

        // Price panel: the band as a filled area, the middle band dashed, the close on top.
        var banded = points.Where(p => p.Upper is not null && p.Lower is not null).ToList();
        if (banded.Count > 1)
        {
            var outline = banded.Select(p => (X(p.Time), PriceY(p.Upper!.Value)))
                .Concat(banded.AsEnumerable().Reverse().Select(p => (X(p.Time), PriceY(p.Lower!.Value))));
            svg.Append(Invariant($"""<polygon points="{Points(outline)}" fill="#cfe3f7" stroke="#7aa7d6" stroke-width="0.8"/>"""));
            svg.Append(Invariant($"""<polyline points="{Points(banded.Select(p => (X(p.Time), PriceY(p.Middle ?? p.Close))))}" fill="none" stroke="#4a7fb5" stroke-dasharray="4 3"/>"""));
        }

        svg.Append(Invariant($"""<polyline points="{Points(points.Select(p => (X(p.Time), PriceY(p.Close))))}" fill="none" stroke="#1b1b1b" stroke-width="1.4"/>"""));
        Frame(svg, PriceTop, PriceBottom);
        for (var i = 0; i <= 4; i++)
        {
            var value = low + (high - low) * i / 4;
            HorizontalTick(svg, PriceY(value), value.ToString("0.00", CultureInfo.InvariantCulture));
        }

        svg.Append(Invariant($"""<text transform="translate(16 {(PriceTop + PriceBottom) / 2}) rotate(-90)" text-anchor="middle">Price (USD) with Bollinger Bands (20, 2)</text>"""));

        // RSI panel.
        foreach (var (level, colour) in new[] { (70.0, "#c0392b"), (30.0, "#27ae60") })
        {
            svg.Append(Invariant($"""<line x1="{Left}" y1="{RsiY(level)}" x2="{Width - Right}" y2="{RsiY(level)}" stroke="{colour}" stroke-dasharray="5 4"/>"""));
        }

        var rsi = points.Where(p => p.Rsi is not null).Select(p => (X(p.Time), RsiY(p.Rsi!.Value))).ToList();
        if (rsi.Count > 1)
        {
            svg.Append(Invariant($"""<polyline points="{Points(rsi)}" fill="none" stroke="#8e44ad" stroke-width="1.2"/>"""));
        }

        Frame(svg, RsiTop, RsiBottom);
        foreach (var level in new[] { 0, 30, 70, 100 })
        {
            HorizontalTick(svg, RsiY(level), level.ToString(CultureInfo.InvariantCulture));
        }

        svg.Append(Invariant($"""<text transform="translate(16 {(RsiTop + RsiBottom) / 2}) rotate(-90)" text-anchor="middle">RSI (14)</text>"""));

        // Time axis: a tick on every full hour.
        var first = points[0].Time.InZone(zone);
        var hour = first.LocalDateTime.Date.At(new LocalTime(first.Hour, 0)).PlusHours(first.Minute == 0 ? 0 : 1);
        for (var tick = hour.InZoneLeniently(zone).ToInstant(); tick <= points[^1].Time; tick += Duration.FromHours(1))
        {
            var x = X(tick);
            svg.Append(Invariant($"""<line x1="{x}" y1="{PriceTop}" x2="{x}" y2="{RsiBottom}" stroke="#e5e5e5"/>"""));
            svg.Append(Invariant($"""<text x="{x}" y="{RsiBottom + 18}" text-anchor="middle">{tick.InZone(zone).ToString("HH:mm", CultureInfo.InvariantCulture)}</text>"""));
        }

        svg.Append(Invariant($"""<text x="{(Left + Width - Right) / 2}" y="{Height - 12}" text-anchor="middle">Time ({Escape(zone.Id)})</text>"""));
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Frame(StringBuilder svg, double top, double bottom) =>
        svg.Append(Invariant($"""<rect x="{Left}" y="{top}" width="{Width - Left - Right}" height="{bottom - top}" fill="none" stroke="#444"/>"""));

    private static void HorizontalTick(StringBuilder svg, double y, string label) =>
        svg.Append(Invariant($"""<line x1="{Left - 4}" y1="{y}" x2="{Left}" y2="{y}" stroke="#444"/><text x="{Left - 7}" y="{y + 4}" text-anchor="end">{label}</text>"""));

    private static (double Low, double High) NiceRange(double min, double max)
    {
        var pad = Math.Max((max - min) * 0.05, 0.01);
        return (min - pad, max + pad);
    }

    private static string Points(IEnumerable<(double X, double Y)> points) =>
        string.Join(' ', points.Select(p => Invariant($"{p.X:0.##},{p.Y:0.##}")));

    private static string Escape(string text) => SecurityElement.Escape(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
