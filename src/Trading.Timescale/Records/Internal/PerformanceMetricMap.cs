using NodaTime;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary><see cref="PerformanceMetric"/> ↔ <c>trading.performance_metrics</c>.</summary>
internal sealed class PerformanceMetricMap : TableMap<PerformanceMetric>
{
    private static readonly Column<PerformanceMetric>[] AllColumns =
    [
        new TextColumn<PerformanceMetric>("metric_name", 100, required: true, r => r.MetricName),
        new DoubleColumn<PerformanceMetric>("metric_value", required: true, r => r.MetricValue),
        new TextColumn<PerformanceMetric>("strategy", 50, required: false, r => r.Strategy),
        new TextColumn<PerformanceMetric>("model_version", 50, required: false, r => r.ModelVersion),
        new TextColumn<PerformanceMetric>("symbol", 10, required: false, r => r.Symbol),
        new EnumColumn<PerformanceMetric, MetricPeriod>("period", 10, EnumText.Periods, hasDefault: true, r => r.Period),
        new JsonColumn<PerformanceMetric>("tags", required: true, hasDefault: true, r => r.Tags),
        new InstantColumn<PerformanceMetric>("timestamp", required: true, notInFuture: true, r => r.Timestamp),
    ];

    public PerformanceMetricMap()
        : base("performance_metrics", IngestTable.PerformanceMetrics, AllColumns,
            ["metric_name", "strategy", "model_version", "symbol", "period", "timestamp"], latest: null)
    {
    }

    public override PerformanceMetric Read(NpgsqlDataReader reader) => new()
    {
        MetricName = reader.GetString(0),
        MetricValue = reader.GetDouble(1),
        Strategy = reader.String(2),
        ModelVersion = reader.String(3),
        Symbol = reader.String(4),
        Period = EnumText.ParsePeriod(reader.GetString(5)),
        Tags = reader.GetString(6),
        Timestamp = reader.GetFieldValue<Instant>(7),
        Id = GetInt64(reader, 8),
        CreatedAt = GetInstant(reader, 9),
        UpdatedAt = GetInstant(reader, 10),
    };

    public override PerformanceMetric Create(CsvValues values) => new()
    {
        MetricName = values.Text(0)!,
        MetricValue = values.Double(1)!.Value,
        Strategy = values.Text(2),
        ModelVersion = values.Text(3),
        Symbol = values.Text(4),
        Period = values.Enum(5) is { } period ? (MetricPeriod)period : MetricPeriod.Day,
        Tags = values.Text(6) ?? "{}",
        Timestamp = values.Instant(7)!.Value,
    };

    public override string Describe(PerformanceMetric row)
    {
        var scope = string.Join("/", new[] { row.Strategy, row.ModelVersion, row.Symbol }.Where(s => s is not null));
        return $"{row.MetricName ?? "(no metric_name)"}{(scope.Length > 0 ? " " + scope : string.Empty)} {ValidationContext.Format(row.Timestamp)}";
    }
}
