namespace Trading.Timescale;

/// <summary>The outcome of one data quality check on one table: a row of <c>trading.data_quality</c>.</summary>
/// <remarks>
/// The natural key is (<see cref="CheckName"/>, <see cref="TableName"/>, <see cref="Symbol"/>, <see cref="TradingRecord.Timestamp"/>), nulls equal.
/// </remarks>
public sealed record DataQualityCheck : TradingRecord
{
    /// <summary>The check, for example <c>price_gap</c> (<c>check_name</c>, at most 100 characters).</summary>
    public required string CheckName { get; init; }

    /// <summary>The table checked (<c>table_name</c>, at most 63 characters).</summary>
    public required string TableName { get; init; }

    /// <summary>The symbol checked, if the check is per symbol (<c>symbol</c>, at most 10 characters).</summary>
    public string? Symbol { get; init; }

    /// <summary>Pass, warn or fail (<c>status</c>).</summary>
    public required DataQualityStatus Status { get; init; }

    /// <summary>The measured value; finite when present (<c>measured_value</c>).</summary>
    public double? MeasuredValue { get; init; }

    /// <summary>The threshold the value was compared with; finite when present (<c>threshold_value</c>).</summary>
    public double? ThresholdValue { get; init; }

    /// <summary>Details as raw JSON text (<c>details</c>, <c>jsonb</c>).</summary>
    public string? Details { get; init; }
}
