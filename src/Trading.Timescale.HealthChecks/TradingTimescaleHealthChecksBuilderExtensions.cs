using Microsoft.Extensions.Diagnostics.HealthChecks;
using Trading.Timescale;
using Trading.Timescale.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the trading database health check.</summary>
public static class TradingTimescaleHealthChecksBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "trading-timescale";

    /// <summary>
    /// Adds <see cref="TradingTimescaleHealthCheck"/>, which resolves <see cref="TradingDatabase"/> (register it with
    /// <c>services.AddTradingTimescale(...)</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Changes the limits from their defaults.</param>
    /// <param name="name">The registration name; <see cref="DefaultName"/> when omitted.</param>
    /// <param name="failureStatus">The status reported when unhealthy; <see cref="HealthStatus.Unhealthy"/> when omitted.</param>
    /// <param name="tags">Tags to filter checks by, such as <c>ready</c>.</param>
    /// <param name="timeout">How long the check may run.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A limit set by <paramref name="configure"/> cannot work; each message names it.</exception>
    public static IHealthChecksBuilder AddTradingTimescale(
        this IHealthChecksBuilder builder,
        Action<TradingTimescaleHealthCheckOptions>? configure = null,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new TradingTimescaleHealthCheckOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultName,
            sp => new TradingTimescaleHealthCheck(sp.GetRequiredService<TradingDatabase>(), options),
            failureStatus,
            tags,
            timeout));
    }
}
