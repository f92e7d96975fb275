using Trading.Timescale;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Follow-up settings of the trading database registration, returned by <c>AddTradingTimescale</c>.</summary>
public sealed class TradingTimescaleBuilder
{
    internal TradingTimescaleBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Applies pending schema migrations when the host starts (a hosted service calls
    /// <see cref="Trading.Timescale.Schema.TradingSchemaInstaller.MigrateAsync"/> and logs what it applied);
    /// the host does not start when migrating fails.
    /// </summary>
    /// <returns>This builder.</returns>
    public TradingTimescaleBuilder ApplySchemaOnStartup()
    {
        Services.Configure<TradingTimescaleOptions>(o => o.ApplySchemaOnStartup = true);
        return this;
    }
}
