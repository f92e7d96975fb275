using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Trading.Timescale.DependencyInjection.Internal;

/// <summary>
/// The registration's state: which data source the trading database uses (its own, or one the application named
/// explicitly) and the changes to apply to the builder of its own.
/// </summary>
internal sealed class TradingTimescaleRegistration(IServiceCollection services)
{
    private static readonly System.Reflection.MethodInfo OwnFactory = ((Func<IServiceProvider, object?, NpgsqlDataSource>)CreateDataSource).Method;

    /// <summary>Set by <c>UseDataSource</c>: the application's data source to adopt, unkeyed or by its key.</summary>
    public (bool Adopt, object? ServiceKey) Adopted { get; set; }

    /// <summary>Set by <c>ConfigureDataSource</c>: applied, in order, to the builder of the library's own data source.</summary>
    public List<Action<NpgsqlDataSourceBuilder>> ConfigureBuilder { get; } = [];

    /// <summary>
    /// Whether the library builds the data source from <see cref="TradingTimescaleOptions.ConnectionString"/> (so one is
    /// needed): nothing was adopted with <c>UseDataSource</c>, and the application registered no data source under
    /// <see cref="TradingTimescaleBuilder.DataSourceKey"/>.
    /// </summary>
    public bool OwnsDataSource =>
        !Adopted.Adopt &&
        services.LastOrDefault(d => d.ServiceType == typeof(NpgsqlDataSource) && d.IsKeyedService && Equals(d.ServiceKey, TradingTimescaleBuilder.DataSourceKey))?
            .KeyedImplementationFactory?.Method == OwnFactory;

    /// <summary>Registers the library's own data source under <see cref="TradingTimescaleBuilder.DataSourceKey"/>, unless the application did.</summary>
    public static void AddOwnDataSource(IServiceCollection services) =>
        services.Add(ServiceDescriptor.KeyedSingleton<NpgsqlDataSource>(TradingTimescaleBuilder.DataSourceKey, CreateDataSource));

    /// <summary>The data source the trading database uses.</summary>
    public NpgsqlDataSource Resolve(IServiceProvider provider)
    {
        var (adopt, key) = Adopted;
        if (adopt && ConfigureBuilder.Count > 0)
        {
            throw new InvalidOperationException(
                "ConfigureDataSource(...) changes the data source Trading.Timescale builds, but UseDataSource(...) adopts the application's own: configure that data source where the application builds it, or drop UseDataSource.");
        }

        if (!adopt)
        {
            return provider.GetRequiredKeyedService<NpgsqlDataSource>(TradingTimescaleBuilder.DataSourceKey);
        }

        return key is null
            ? provider.GetService<NpgsqlDataSource>() ?? throw new InvalidOperationException(
                "UseDataSource() adopts the application's NpgsqlDataSource, but none is registered: register one (for example with AddNpgsqlDataSource), or drop UseDataSource() to let Trading.Timescale build its own from TradingTimescale:ConnectionString.")
            : provider.GetKeyedService<NpgsqlDataSource>(key) ?? throw new InvalidOperationException(
                $"UseDataSource(\"{key}\") adopts the application's NpgsqlDataSource registered with that key, but none is: register it (for example with AddNpgsqlDataSource(connectionString, serviceKey: \"{key}\")).");
    }

    private static NpgsqlDataSource CreateDataSource(IServiceProvider provider, object? key)
    {
        var options = provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException(
                $"{TradingTimescaleOptions.SectionName}:ConnectionString is empty: set it to an Npgsql connection string or a postgresql:// URL, or adopt the application's data source with UseDataSource(...).");
        }

        var registration = provider.GetRequiredService<TradingTimescaleRegistration>();
        return TradingDataSource.Create(
            options.ConnectionString,
            provider.GetService<ILoggerFactory>(),
            builder => registration.ConfigureBuilder.ForEach(configure => configure(builder)));
    }
}
