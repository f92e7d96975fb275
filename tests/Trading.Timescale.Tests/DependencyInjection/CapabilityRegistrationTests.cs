using System.Reflection;
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
    public void The_database_builds_every_capability_the_same_way_when_it_is_created()
    {
        var capabilities = typeof(TradingDatabase).GetProperties()
            .Where(p => p.PropertyType.Name.StartsWith("Trading", StringComparison.Ordinal) && p.PropertyType != typeof(TradingTimescaleOptions))
            .ToList();

        Assert.Equal(["Backups", "Ingest", "Live", "Operations", "Positions", "Queries", "Schema"], capabilities.Select(p => p.Name).Order());
        // Get-only properties assigned in the constructor: no capability is created lazily on first use.
        Assert.All(capabilities, p => Assert.NotNull(typeof(TradingDatabase).GetField($"<{p.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)));
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
