using Microsoft.Extensions.Logging;
using Npgsql;

namespace Trading.Timescale;

/// <summary>
/// Builds the Npgsql data sources of the library, the same way everywhere (<see cref="TradingDatabase.Create"/>,
/// <c>AddTradingTimescale</c> and the <c>trading-timescale</c> command): NodaTime type mapping, the application's
/// logging, then the caller's own settings.
/// </summary>
public static class TradingDataSource
{
    /// <summary>Builds a data source for <paramref name="connectionStringOrUrl"/>; the caller owns and disposes it.</summary>
    /// <param name="connectionStringOrUrl">An Npgsql connection string or a <c>postgresql://user:password@host:port/database</c> URL.</param>
    /// <param name="loggerFactory">Receives Npgsql's logging; none when omitted.</param>
    /// <param name="configure">Changes the builder after the library's settings, for example a password provider, TLS callbacks or more type mappings.</param>
    /// <returns>
    /// The data source, with NodaTime types (<c>Instant</c> for <c>timestamptz</c>, <c>LocalDate</c> for <c>date</c>); an
    /// <see cref="NpgsqlMultiHostDataSource"/> when the connection string lists several hosts, which then rechecks which
    /// host is the primary every <see cref="TradingConnectionString.DefaultHostRecheckSeconds"/> seconds unless
    /// <c>Host Recheck Seconds</c> says otherwise.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="connectionStringOrUrl"/> is empty or cannot be read.</exception>
    public static NpgsqlDataSource Create(string connectionStringOrUrl, ILoggerFactory? loggerFactory = null, Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var builder = new NpgsqlDataSourceBuilder(TradingConnectionString.WithHostRecheck(TradingConnectionString.Normalize(connectionStringOrUrl)));
        builder.UseNodaTime();
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        configure?.Invoke(builder);
        return builder.Build();
    }
}
