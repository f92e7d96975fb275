using Trading.Timescale.Operations;

namespace Trading.Timescale;

/// <content>The Operations capability.</content>
public sealed partial class TradingDatabase
{
    /// <summary>Operations: statistics, maintenance (retention, compression, aggregate refresh), data quality checks and roles.</summary>
    public TradingOperations Operations { get; }
}
