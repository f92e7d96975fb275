using Microsoft.Extensions.DependencyInjection;
using Trading.Timescale.Ingest;
using Trading.Timescale.Operations;
using Trading.Timescale.Positions;
using Trading.Timescale.Queries;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Tests.DependencyInjection;

public class CapabilityRegistrationTests
{
    [Fact]
    public async Task Every_capability_resolves_to_the_instance_the_database_holds()
    {
        var services = new ServiceCollection();
        services.AddTradingTimescale("Host=127.0.0.1;Database=trading_db;Username=app");
        await using var provider = services.BuildServiceProvider();
        var database = provider.GetRequiredService<TradingDatabase>();

        Assert.Same(database.Schema, provider.GetRequiredService<TradingSchemaInstaller>());
        Assert.Same(database.Ingest, provider.GetRequiredService<TradingIngest>());
        Assert.Same(database.Positions, provider.GetRequiredService<TradingPositions>());
        Assert.Same(database.Queries, provider.GetRequiredService<TradingQueries>());
        Assert.Same(database.Operations, provider.GetRequiredService<TradingOperations>());
        Assert.Same(database.Backups, provider.GetRequiredService<TradingBackups>());
    }

    [Fact]
    public async Task Calling_the_extension_twice_registers_each_capability_once()
    {
        var services = new ServiceCollection();
        services.AddTradingTimescale("Host=127.0.0.1;Database=trading_db;Username=app");
        services.AddTradingTimescale(o => o.ReadFrom = Trading.Timescale.ScaleOut.ReadFrom.Primary);
        await using var provider = services.BuildServiceProvider();

        foreach (var type in new[] { typeof(TradingDatabase), typeof(TradingQueries), typeof(TradingOperations), typeof(TradingBackups) })
        {
            Assert.Single(services, d => d.ServiceType == type);
        }

        Assert.Equal(Trading.Timescale.ScaleOut.ReadFrom.Primary, provider.GetRequiredService<TradingDatabase>().Options.ReadFrom);
    }
}
