using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Cli;

/// <summary>Options and value parsing shared by the query commands (bars, indicator, chain).</summary>
internal static class QueryArguments
{
    public static Option<string> Interval() => new("--interval", "-i")
    {
        Description = "The bar width: 1m, 5m, 15m, 1h, 4h, 1d, or PostgreSQL interval text such as '5 minutes'.",
        Required = true,
    };

    public static Option<string?> Instant(string name, string description) => new(name) { Description = description + " ISO 8601, e.g. 2026-03-09T14:30:00Z or 2026-03-09T09:30:00-04:00." };

    public static TimescaleInterval ParseInterval(string text) =>
        BarInterval.TryParse(text, out var interval)
            ? interval
            : throw new CliException($"--interval '{text}' is not a bar width: use 1m, 5m, 15m, 1h, 4h, 1d, or interval text such as '5 minutes'.");

    public static Instant? ParseInstant(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        var instant = InstantPattern.ExtendedIso.Parse(trimmed);
        if (instant.Success)
        {
            return instant.Value;
        }

        var offset = OffsetDateTimePattern.ExtendedIso.Parse(trimmed);
        if (offset.Success)
        {
            return offset.Value.ToInstant();
        }

        var date = LocalDatePattern.Iso.Parse(trimmed);
        return date.Success
            ? date.Value.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant()
            : throw new CliException($"{option} '{text}' is not an ISO 8601 instant: write 2026-03-09T14:30:00Z, 2026-03-09T09:30:00-04:00 or 2026-03-09 (midnight UTC).");
    }

    /// <summary>Runs a query, turning its refusal into a one-line CLI error.</summary>
    public static async Task<IReadOnlyList<T>> RunAsync<T>(TradingQuery<T> query, CancellationToken cancellationToken)
    {
        try
        {
            return await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TradingQueryException ex)
        {
            throw new CliException(ex.Message, ex);
        }
    }

    public static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    public static string Number(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture) ?? "-";

    public static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    public static JsonNode? Json(decimal? value) => value is { } v ? JsonValue.Create(v) : null;

    public static JsonNode? Json(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    public static JsonNode? Json(long? value) => value is { } v ? JsonValue.Create(v) : null;
}
