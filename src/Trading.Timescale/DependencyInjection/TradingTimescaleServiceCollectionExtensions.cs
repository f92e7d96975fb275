using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using Trading.Timescale;
using Trading.Timescale.Ingest;
using Trading.Timescale.Operations;
using Trading.Timescale.Positions;
using Trading.Timescale.Queries;
using Trading.Timescale.DependencyInjection.Internal;
using Trading.Timescale.Internal;
using Trading.Timescale.Schema;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the trading database: options, an Npgsql data source with NodaTime under
/// <see cref="TradingTimescaleBuilder.DataSourceKey"/> (or the application's, with <see cref="TradingTimescaleBuilder.UseDataSource()"/>),
/// <see cref="TradingDatabase"/> and each of its capabilities (installer, ingest, position book, queries, operations and
/// backups), and defaults for <see cref="IClock"/> and
/// <see cref="IngestOptions"/> that the application can replace by registering its own.
/// </summary>
public static class TradingTimescaleServiceCollectionExtensions
{
    /// <summary>
    /// Registers the trading database with options set in code. Options are validated when the host starts, with
    /// messages naming each setting. Calling it again adds the configuration but registers nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, at least <see cref="TradingTimescaleOptions.ConnectionString"/> unless the application's data source is adopted with <see cref="TradingTimescaleBuilder.UseDataSource()"/>.</param>
    /// <returns>A builder for follow-ups such as <see cref="TradingTimescaleBuilder.ApplySchemaOnStartup"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static TradingTimescaleBuilder AddTradingTimescale(this IServiceCollection services, Action<TradingTimescaleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers the trading database with options bound from a configuration section, usually
    /// <c>configuration.GetSection("TradingTimescale")</c>. Intervals bind from strings such as <c>"90 days"</c>,
    /// <c>"3 months"</c> or <c>"P90D"</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>TradingTimescale</c> section.</param>
    /// <returns>A builder for follow-ups such as <see cref="TradingTimescaleBuilder.ApplySchemaOnStartup"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static TradingTimescaleBuilder AddTradingTimescale(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services);
        services.Configure<TradingTimescaleOptions>(configuration);
        return builder;
    }

    /// <summary>Registers the trading database with default options and a connection string or <c>postgresql://</c> URL.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionStringOrUrl">An Npgsql connection string or a <c>postgresql://user:password@host:port/database</c> URL.</param>
    /// <returns>A builder for follow-ups such as <see cref="TradingTimescaleBuilder.ApplySchemaOnStartup"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="connectionStringOrUrl"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionStringOrUrl"/> is empty or cannot be read.</exception>
    public static TradingTimescaleBuilder AddTradingTimescale(this IServiceCollection services, string connectionStringOrUrl)
    {
        ArgumentNullException.ThrowIfNull(services);
        var connectionString = TradingConnectionString.Normalize(connectionStringOrUrl);
        var builder = AddCore(services);
        services.Configure<TradingTimescaleOptions>(o => o.ConnectionString = connectionString);
        return builder;
    }

    private static TradingTimescaleBuilder AddCore(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(TradingTimescaleRegistration))?.ImplementationInstance is TradingTimescaleRegistration existing)
        {
            return new TradingTimescaleBuilder(services, existing);
        }

        var registration = new TradingTimescaleRegistration(services);
        services.AddSingleton(registration);
        services.AddOptions<TradingTimescaleOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TradingTimescaleOptions>, TradingTimescaleOptionsValidator>(
            sp => new TradingTimescaleOptionsValidator(() => sp.GetRequiredService<TradingTimescaleRegistration>().OwnsDataSource)));
        if (!services.Any(d => d.ServiceType == typeof(NpgsqlDataSource) && d.IsKeyedService && Equals(d.ServiceKey, TradingTimescaleBuilder.DataSourceKey)))
        {
            TradingTimescaleRegistration.AddOwnDataSource(services);
        }

        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(sp => IngestOptions.Default with
        {
            ExchangeTimeZone = sp.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value.ExchangeTimeZone ?? SchemaSettings.DefaultExchangeTimeZone,
        });
        services.TryAddSingleton(sp => new TradingDatabase(
            sp.GetRequiredService<TradingTimescaleRegistration>().Resolve(sp),
            sp.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<IClock>(),
            sp.GetRequiredService<IngestOptions>()));
        services.TryAddSingleton<TradingSchemaInstaller>(sp => sp.GetRequiredService<TradingDatabase>().Schema);
        services.TryAddSingleton<TradingIngest>(sp => sp.GetRequiredService<TradingDatabase>().Ingest);
        services.TryAddSingleton<TradingPositions>(sp => sp.GetRequiredService<TradingDatabase>().Positions);
        services.TryAddSingleton<TradingQueries>(sp => sp.GetRequiredService<TradingDatabase>().Queries);
        services.TryAddSingleton<TradingOperations>(sp => sp.GetRequiredService<TradingDatabase>().Operations);
        services.TryAddSingleton<TradingBackups>(sp => sp.GetRequiredService<TradingDatabase>().Backups);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TradingSchemaHostedService>());
        return new TradingTimescaleBuilder(services, registration);
    }
}
