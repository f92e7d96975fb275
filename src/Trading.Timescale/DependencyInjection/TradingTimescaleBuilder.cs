using Npgsql;
using Trading.Timescale;
using Trading.Timescale.DependencyInjection.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Follow-up settings of the trading database registration, returned by <c>AddTradingTimescale</c>.</summary>
public sealed class TradingTimescaleBuilder
{
    /// <summary>
    /// The service key of the data source the trading database uses: <c>"Trading.Timescale"</c>. The library registers its
    /// own under it; an application that registers an <see cref="NpgsqlDataSource"/> under this key makes the library use that one.
    /// </summary>
    public const string DataSourceKey = "Trading.Timescale";

    private readonly TradingTimescaleRegistration _registration;

    internal TradingTimescaleBuilder(IServiceCollection services, TradingTimescaleRegistration registration)
    {
        Services = services;
        _registration = registration;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Applies pending schema migrations when the host starts (a hosted service calls
    /// <see cref="Trading.Timescale.Schema.TradingSchemaInstaller.MigrateAsync(CancellationToken)"/> and logs what it applied). While the database
    /// cannot be reached it retries with back-off for <see cref="TradingTimescaleOptions.StartupRetryTimeout"/>, logging each
    /// attempt; the host does not start when migrating fails.
    /// </summary>
    /// <returns>This builder.</returns>
    public TradingTimescaleBuilder ApplySchemaOnStartup()
    {
        Services.Configure<TradingTimescaleOptions>(o => o.ApplySchemaOnStartup = true);
        return this;
    }

    /// <summary>
    /// Uses the application's unkeyed <see cref="NpgsqlDataSource"/> (for example from <c>AddNpgsqlDataSource</c>) instead of
    /// building one from <see cref="TradingTimescaleOptions.ConnectionString"/>, which is then not needed. That data source
    /// should map NodaTime types (<c>UseNodaTime()</c>); the application disposes it.
    /// </summary>
    /// <returns>This builder.</returns>
    public TradingTimescaleBuilder UseDataSource()
    {
        _registration.Adopted = (true, null);
        return this;
    }

    /// <summary>Uses the application's <see cref="NpgsqlDataSource"/> registered under <paramref name="serviceKey"/>; see <see cref="UseDataSource()"/>.</summary>
    /// <param name="serviceKey">The key the data source is registered with.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    public TradingTimescaleBuilder UseDataSource(object serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        _registration.Adopted = (true, serviceKey);
        return this;
    }

    /// <summary>
    /// Changes the builder of the data source the library builds, after its own settings (NodaTime types, logging): for
    /// example a password provider, TLS callbacks or more type mappings. Calls add up, in order.
    /// </summary>
    /// <param name="configure">Changes the builder.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public TradingTimescaleBuilder ConfigureDataSource(Action<NpgsqlDataSourceBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _registration.ConfigureBuilder.Add(configure);
        return this;
    }
}
