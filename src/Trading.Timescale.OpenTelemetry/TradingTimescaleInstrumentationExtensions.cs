namespace OpenTelemetry.Trace;

/// <summary>Subscribes a tracer provider to the spans of Trading.Timescale.</summary>
public static class TradingTimescaleInstrumentationExtensions
{
    /// <summary>The name of the library's activity source.</summary>
    public const string ActivitySourceName = "Trading.Timescale";

    /// <summary>
    /// Adds the spans of Trading.Timescale: <c>trading_timescale.migrate</c>, <c>trading_timescale.ingest.append</c>,
    /// <c>trading_timescale.ingest.upsert</c> and <c>trading_timescale.query &lt;name&gt;</c>. Add Npgsql's own
    /// instrumentation (<c>AddNpgsql()</c> from Npgsql.OpenTelemetry) to see the SQL commands as child spans.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static TracerProviderBuilder AddTradingTimescaleInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(ActivitySourceName);
    }
}
