namespace Trading.Timescale;

/// <summary>One value of one metric for one strategy or model over one period: a row of <c>trading.performance_metrics</c>.</summary>
/// <remarks>
/// The natural key is (<see cref="MetricName"/>, <see cref="Strategy"/>, <see cref="ModelVersion"/>, <see cref="Symbol"/>,
/// <see cref="Period"/>, <see cref="TradingRecord.Timestamp"/>), nulls equal.
/// </remarks>
public sealed record PerformanceMetric : TradingRecord
{
    /// <summary>The metric, for example <c>sharpe_ratio</c> (<c>metric_name</c>, at most 100 characters).</summary>
    public required string MetricName { get; init; }

    /// <summary>The value; a finite number (<c>metric_value</c>, <c>double precision</c>).</summary>
    public required double MetricValue { get; init; }

    /// <summary>The strategy measured (<c>strategy</c>, at most 50 characters).</summary>
    public string? Strategy { get; init; }

    /// <summary>The model measured (<c>model_version</c>, at most 50 characters).</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The symbol measured, if the metric is per symbol (<c>symbol</c>, at most 10 characters).</summary>
    public string? Symbol { get; init; }

    /// <summary>The period the value covers (<c>period</c>); <see cref="MetricPeriod.Day"/> unless set.</summary>
    public MetricPeriod Period { get; init; } = MetricPeriod.Day;

    /// <summary>Free-form labels as raw JSON text (<c>tags</c>, <c>jsonb</c>); <c>{}</c> unless set.</summary>
    public string Tags { get; init; } = "{}";
}
