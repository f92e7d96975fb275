using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.DependencyInjection.Internal;

/// <summary>Marks the registration as done, and tells whether the data source in use is the library's own.</summary>
internal sealed class TradingTimescaleRegistration(IServiceCollection services)
{
    /// <summary>
    /// Whether the NpgsqlDataSource that resolves is the one this library registered (so a connection string is needed),
    /// rather than one the application registered itself.
    /// </summary>
    public bool OwnsDataSource =>
        services.LastOrDefault(d => d.ServiceType == typeof(NpgsqlDataSource) && !d.IsKeyedService)?.ImplementationFactory?.Method
            == ((Func<IServiceProvider, NpgsqlDataSource>)CreateDataSource).Method;

    public static NpgsqlDataSource CreateDataSource(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException(
                $"{TradingTimescaleOptions.SectionName}:ConnectionString is empty: set it to an Npgsql connection string or a postgresql:// URL, or register an NpgsqlDataSource.");
        }

        return TradingDataSourceFactory.Build(TradingConnectionString.Normalize(options.ConnectionString), provider.GetService<ILoggerFactory>());
    }
}
