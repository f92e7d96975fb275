namespace Trading.Timescale.Live;

/// <summary>The signals a subscription yields (<see cref="TradingLive.Signals"/>); every signal when nothing is set.</summary>
public sealed record LiveSignalFilter
{
    /// <summary>Signals of these symbols only; every symbol when empty.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary>Signals of these types only; every type when empty.</summary>
    public IReadOnlyList<SignalType> Types { get; init; } = [];

    /// <summary>Signals with at least this confidence (0 to 1).</summary>
    public decimal? MinimumConfidence { get; init; }

    /// <summary>Signals of this model version only.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>
    /// Resumes after a stored position (the last signal the consumer handled); <see langword="null"/> starts at the moment
    /// the subscription starts.
    /// </summary>
    public LivePosition? After { get; init; }

    /// <summary>The most signals read in one round trip. 500 by default.</summary>
    public int PageSize { get; init; } = 500;
}
