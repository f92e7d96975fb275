using NodaTime;

namespace Trading.Timescale.Export;

/// <summary>
/// What <see cref="TradingExport.FeaturesAsync"/> writes: one row per symbol and bar of <see cref="Interval"/> starting in
/// [<see cref="From"/>, <see cref="To"/>), with OHLCV, the indicators, optional option features and optional labels.
/// </summary>
public sealed class FeatureSetExport : ExportDestination
{
    /// <summary>The bar width, such as 5 minutes.</summary>
    public required TimescaleInterval Interval { get; init; }

    /// <summary>The first bar start included.</summary>
    public required Instant From { get; init; }

    /// <summary>The first bar start excluded.</summary>
    public required Instant To { get; init; }

    /// <summary>The symbols; every symbol with raw prices in the range when <see langword="null"/> or empty.</summary>
    public IReadOnlyList<string>? Symbols { get; init; }

    /// <summary>The indicators, each computed by its SQL function (<c>trading.calculate_rsi</c>...); none by default.</summary>
    public IReadOnlyList<FeatureIndicator> Indicators { get; init; } = [];

    /// <summary>Whether to add the option features: at-the-money implied volatility, put/call volume ratio and 25-delta skew.</summary>
    public bool OptionsFeatures { get; init; }

    /// <summary>The label horizon; no label columns when <see langword="null"/>.</summary>
    public Duration? LabelHorizon { get; init; }

    /// <summary>The target and stop distance of the first-hit label, as a fraction of the bar's close; 0.01 (±1%) by default.</summary>
    public decimal LabelThreshold { get; init; } = 0.01m;

    internal new void Validate()
    {
        base.Validate();
        ExportChecks.Range(From, To);
        ExportChecks.Symbols(Symbols);
        ExportChecks.Positive(Interval, nameof(Interval));
        ArgumentNullException.ThrowIfNull(Indicators, nameof(Indicators));
        if (LabelHorizon is { } horizon && horizon <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LabelHorizon), horizon, "LabelHorizon must be positive, such as Duration.FromMinutes(30).");
        }

        if (LabelThreshold is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LabelThreshold), LabelThreshold, "LabelThreshold must be a fraction between 0 and 1, such as 0.01 for ±1%.");
        }

        var names = Indicators.SelectMany(i => i.ColumnNames).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (names is not null)
        {
            throw new ArgumentException($"Indicators name the column '{names.Key}' twice; list each indicator once.", nameof(Indicators));
        }
    }
}
