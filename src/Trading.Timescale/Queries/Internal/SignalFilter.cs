using NodaTime;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.Queries.Internal;

/// <summary>The filters of a signal query, shared by the list, the performance and the outcome queries.</summary>
internal sealed record SignalFilter(
    string[] Symbols,
    SignalType[] Types,
    decimal? MinimumConfidence,
    Instant? From,
    Instant? To,
    string? ModelVersion)
{
    public static SignalFilter None { get; } = new([], [], null, null, null, null);

    public string Where(SqlParameters parameters) => Sql.Where(
        Symbols.Length == 0 ? null : Sql.In(parameters, "\"symbol\"", Symbols),
        Types.Length == 0 ? null : Sql.In(parameters, "\"signal_type\"", Types.Distinct().Select(EnumText.Of).ToArray()),
        MinimumConfidence is { } c ? $"\"confidence\" >= {parameters.Numeric(c)}" : null,
        From is { } f ? $"\"timestamp\" >= {parameters.Instant(f)}" : null,
        To is { } t ? $"\"timestamp\" < {parameters.Instant(t)}" : null,
        ModelVersion is { } m ? $"\"model_version\" = {parameters.Text(m)}" : null);
}
