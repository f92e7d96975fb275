namespace OpenTelemetry.Metrics;

/// <summary>Subscribes a meter provider to the metrics of Trading.Timescale.</summary>
public static class TradingTimescaleMeterProviderBuilderExtensions
{
    /// <summary>The name of the library's meter.</summary>
    public const string MeterName = "Trading.Timescale";

    /// <summary>
    /// Adds the metrics of Trading.Timescale: <c>trading_timescale.ingest.rows</c>,
    /// <c>trading_timescale.ingest.rows_rejected</c>, <c>trading_timescale.ingest.batch.duration</c>,
    /// <c>trading_timescale.query.duration</c> and <c>trading_timescale.schema.migrations_applied</c>.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MeterProviderBuilder AddTradingTimescaleInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MeterName);
    }
}
