using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Tests.DependencyInjection;

public class ServiceRegistrationTests
{
    private const string Connection = "Host=db.example;Port=6543;Database=trading_db;Username=app";

    [Fact]
    public void Registering_twice_registers_each_service_once_and_applies_both_configurations()
    {
        var services = new ServiceCollection();
        services.AddTradingTimescale(o => o.ConnectionString = Connection);
        services.AddTradingTimescale(o => o.ExchangeTimeZone = "Europe/London").ApplySchemaOnStartup();

        Assert.Single(services, d => d.ServiceType == typeof(TradingDatabase));
        Assert.Single(services, d => d.ServiceType == typeof(TradingSchemaInstaller));
        Assert.Single(services, d => d.ServiceType == typeof(NpgsqlDataSource));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<TradingTimescaleOptions>));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value;
        Assert.Equal((Connection, "Europe/London", true), (options.ConnectionString, options.ExchangeTimeZone, options.ApplySchemaOnStartup));
        var database = provider.GetRequiredService<TradingDatabase>();
        Assert.Same(database, provider.GetRequiredService<TradingDatabase>());
        Assert.Same(database.Schema, provider.GetRequiredService<TradingSchemaInstaller>());
        Assert.Same(database.DataSource, provider.GetRequiredService<NpgsqlDataSource>());
    }

    [Fact]
    public void Options_bind_from_configuration_strings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TradingTimescale:ConnectionString"] = Connection,
            ["TradingTimescale:ExchangeTimeZone"] = "America/Chicago",
            ["TradingTimescale:ChunkIntervals:StockPrices"] = "12 hours",
            ["TradingTimescale:CompressAfter"] = "P14D",
            ["TradingTimescale:Retention:StockPrices"] = "6 months",
            ["TradingTimescale:Retention:SystemEvents"] = "P3M",
            ["TradingTimescale:Refresh:StockPrices1d:StartOffset"] = "30 days",
            ["TradingTimescale:Refresh:StockPrices1d:Schedule"] = "2 hours",
            ["TradingTimescale:ApplySchemaOnStartup"] = "true",
            ["TradingTimescale:LockTimeout"] = "00:02:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddTradingTimescale(configuration.GetSection(TradingTimescaleOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value;

        Assert.Equal("America/Chicago", options.ExchangeTimeZone);
        Assert.Equal(TimescaleInterval.FromHours(12), options.ChunkIntervals.StockPrices);
        Assert.Equal(TimescaleInterval.FromDays(14), options.CompressAfter);
        Assert.Equal(TimescaleInterval.FromMonths(6), options.Retention.StockPrices);
        Assert.Equal(TimescaleInterval.FromMonths(3), options.Retention.SystemEvents);
        Assert.Equal(TimescaleInterval.FromDays(30), options.Refresh.StockPrices1d.StartOffset);
        Assert.Equal(TimescaleInterval.FromHours(1), options.Refresh.StockPrices1d.EndOffset);
        Assert.Equal(TimescaleInterval.FromHours(2), options.Refresh.StockPrices1d.Schedule);
        Assert.Equal(TimescaleInterval.FromDays(60), options.Retention.OptionsData);
        Assert.True(options.ApplySchemaOnStartup);
        Assert.Equal(TimeSpan.FromMinutes(2), options.LockTimeout);
    }

    [Fact]
    public void Unreadable_interval_in_configuration_names_the_setting_and_the_forms()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TradingTimescale:ConnectionString"] = Connection,
            ["TradingTimescale:Retention:StockPrices"] = "ninety days",
        }).Build();
        var services = new ServiceCollection();
        services.AddTradingTimescale(configuration.GetSection("TradingTimescale"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value);

        Assert.Contains("TradingTimescale:Retention:StockPrices", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'ninety days' is not an interval", ex.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_fail_validation_naming_each_setting()
    {
        var services = new ServiceCollection();
        services.AddTradingTimescale(o =>
        {
            o.ExchangeTimeZone = "Nowhere/Special";
            o.Retention.OptionsData = TimescaleInterval.FromDays(2);
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith("TradingTimescale:ConnectionString is empty", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("TradingTimescale:ExchangeTimeZone (Nowhere/Special)", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("TradingTimescale:Refresh:OptionsVolume1h:StartOffset (3 days) reaches past TradingTimescale:Retention:OptionsData (2 days)", StringComparison.Ordinal));
    }

    [Fact]
    public void Url_connection_string_is_normalised_for_the_data_source()
    {
        var services = new ServiceCollection();
        services.AddTradingTimescale("postgresql://trading_admin:s3cret@db.example:6543/trading_db?sslmode=require");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        var dataSource = new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Equal(("db.example", 6543, "trading_db", "trading_admin", "s3cret", SslMode.Require), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
        Assert.Equal(("db.example", 6543, "trading_db"), (dataSource.Host, dataSource.Port, dataSource.Database));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTradingTimescale(" "));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTradingTimescale("postgresql://"));
    }

    [Fact]
    public void Application_data_source_registered_before_or_after_is_reused_without_a_connection_string()
    {
        using var own = NpgsqlDataSource.Create(Connection);

        var before = new ServiceCollection();
        before.AddSingleton(own);
        before.AddTradingTimescale(_ => { });
        using var beforeProvider = before.BuildServiceProvider();

        var after = new ServiceCollection();
        after.AddTradingTimescale(_ => { });
        after.AddSingleton(own);
        using var afterProvider = after.BuildServiceProvider();

        Assert.Same(own, beforeProvider.GetRequiredService<TradingDatabase>().DataSource);
        Assert.Same(own, afterProvider.GetRequiredService<TradingDatabase>().DataSource);
        Assert.Null(beforeProvider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value.ConnectionString);
        Assert.Null(afterProvider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value.ConnectionString);
    }

    [Fact]
    public void Guarded_arguments_throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddTradingTimescale(_ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddTradingTimescale((Action<TradingTimescaleOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddTradingTimescale((IConfiguration)null!));
    }
}
