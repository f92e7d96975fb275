using NodaTime;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Export;

/// <summary>What <see cref="TradingExport.TableAsync"/> writes: one table over [<see cref="From"/>, <see cref="To"/>) for some symbols.</summary>
public sealed class TableExport : ExportDestination
{
    /// <summary>The table.</summary>
    public required ExportTable Table { get; init; }

    /// <summary>The first time included (a bar's start, a quote's or signal's timestamp).</summary>
    public required Instant From { get; init; }

    /// <summary>The first time excluded.</summary>
    public required Instant To { get; init; }

    /// <summary>The symbols (underlyings for option quotes); every symbol when <see langword="null"/> or empty.</summary>
    public IReadOnlyList<string>? Symbols { get; init; }

    /// <summary>The bar width of <see cref="ExportTable.Bars"/>; 5 minutes by default.</summary>
    public TimescaleInterval Interval { get; init; } = BarInterval.FiveMinutes;

    /// <summary>How long after each signal <see cref="ExportTable.Outcomes"/> judges it; one day by default.</summary>
    public Duration OutcomeHorizon { get; init; } = Duration.FromDays(1);

    internal new void Validate()
    {
        base.Validate();
        if (!Enum.IsDefined(Table))
        {
            throw new ArgumentOutOfRangeException(nameof(Table), Table, "Table must be Bars, Options, Signals or Outcomes.");
        }

        ExportChecks.Range(From, To);
        ExportChecks.Symbols(Symbols);
        ExportChecks.Positive(Interval, nameof(Interval));
        if (OutcomeHorizon <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(OutcomeHorizon), OutcomeHorizon, "OutcomeHorizon must be positive, such as Duration.FromHours(4).");
        }
    }
}
