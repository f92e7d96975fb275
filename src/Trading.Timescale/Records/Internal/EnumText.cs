namespace Trading.Timescale.Records.Internal;

/// <summary>The database text of each enum value, indexed by the value.</summary>
internal static class EnumText
{
    public static readonly string[] OptionTypes = ["CALL", "PUT"];
    public static readonly string[] SignalTypes = ["BUY", "SELL", "HOLD"];
    public static readonly string[] Severities = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
    public static readonly string[] QualityStatuses = ["PASS", "WARN", "FAIL"];
    public static readonly string[] Periods = ["MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR", "ALL"];

    public static int IndexOf(string[] names, string text)
    {
        var trimmed = text.AsSpan().Trim();
        for (var i = 0; i < names.Length; i++)
        {
            if (trimmed.Equals(names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public static string Of(OptionType value) => OptionTypes[(int)value];

    public static string Of(SignalType value) => SignalTypes[(int)value];

    public static string Of(EventSeverity value) => Severities[(int)value];

    public static OptionType ParseOptionType(string text) => (OptionType)Parse(OptionTypes, text, "option_type");

    public static SignalType ParseSignalType(string text) => (SignalType)Parse(SignalTypes, text, "signal_type");

    public static EventSeverity ParseSeverity(string text) => (EventSeverity)Parse(Severities, text, "severity");

    public static DataQualityStatus ParseQualityStatus(string text) => (DataQualityStatus)Parse(QualityStatuses, text, "status");

    public static MetricPeriod ParsePeriod(string text) => (MetricPeriod)Parse(Periods, text, "period");

    private static int Parse(string[] names, string text, string column)
    {
        var index = IndexOf(names, text);
        return index >= 0
            ? index
            : throw new TradingDataException($"The database returned {column} '{text}', which is not one of {string.Join(", ", names)}: a newer version of Trading.Timescale may have written it; upgrade the package.");
    }
}
