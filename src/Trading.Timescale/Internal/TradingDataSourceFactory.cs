using Microsoft.Extensions.Logging;
using Npgsql;

namespace Trading.Timescale.Internal;

/// <summary>Builds the library's Npgsql data sources: NodaTime types, and the application's logging.</summary>
internal static class TradingDataSourceFactory
{
    public static NpgsqlDataSource Build(string connectionString, ILoggerFactory? loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseNodaTime();
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }
}
