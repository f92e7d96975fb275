using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>Installs the trading schema into a test database through the library's installer.</summary>
public static class SchemaInstallExtensions
{
    /// <summary>Applies every schema file for the server's edition, with the given option changes.</summary>
    public static async Task<SchemaMigrationReport> InstallSchemaAsync(
        this TimescaleTestDatabase database, Action<TradingTimescaleOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var options = new TradingTimescaleOptions { ConnectionString = database.ConnectionString };
        configure?.Invoke(options);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var installer = new TradingSchemaInstaller(dataSource, options, NullLogger<TradingSchemaInstaller>.Instance);
        return await installer.MigrateAsync(cancellationToken);
    }
}
