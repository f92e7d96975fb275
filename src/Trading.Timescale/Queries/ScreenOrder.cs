namespace Trading.Timescale.Queries;

/// <summary>What a screen is ordered by (<see cref="ScreenQuery.OrderBy"/>); ties and <see langword="null"/> values go by symbol, nulls last.</summary>
public enum ScreenOrder
{
    /// <summary>The ticker.</summary>
    Symbol = 0,

    /// <summary><see cref="ScreenRow.Rsi14"/>.</summary>
    Rsi14 = 1,

    /// <summary><see cref="ScreenRow.PercentB"/>.</summary>
    PercentB = 2,

    /// <summary><see cref="ScreenRow.Bandwidth"/>.</summary>
    Bandwidth = 3,

    /// <summary><see cref="ScreenRow.RelativeVolume"/>.</summary>
    RelativeVolume = 4,

    /// <summary><see cref="ScreenRow.ChangePercent"/>.</summary>
    ChangePercent = 5,

    /// <summary><see cref="ScreenRow.Atr14"/>.</summary>
    Atr14 = 6,
}
