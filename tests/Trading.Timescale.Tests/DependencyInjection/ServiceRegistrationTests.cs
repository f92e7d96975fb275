using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.Positions;
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
        Assert.Equal(TradingTimescaleBuilder.DataSourceKey, services.Single(d => d.ServiceType == typeof(NpgsqlDataSource)).ServiceKey);
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<TradingTimescaleOptions>));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value;
        Assert.Equal((Connection, "Europe/London", true), (options.ConnectionString, options.ExchangeTimeZone, options.ApplySchemaOnStartup));
        var database = provider.GetRequiredService<TradingDatabase>();
        Assert.Same(database, provider.GetRequiredService<TradingDatabase>());
        Assert.Same(database.Schema, provider.GetRequiredService<TradingSchemaInstaller>());
        Assert.Same(database.DataSource, provider.GetRequiredKeyedService<NpgsqlDataSource>(TradingTimescaleBuilder.DataSourceKey));
        Assert.Null(provider.GetService<NpgsqlDataSource>());
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
        Assert.Null(options.Refresh.StockPrices1d.EndOffset);
        Assert.Equal(TimescaleInterval.FromHours(2), options.Refresh.StockPrices1d.Schedule);
        Assert.Null(options.Retention.OptionsData);
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
        var dataSource = new NpgsqlConnectionStringBuilder(provider.GetRequiredService<TradingDatabase>().DataSource.ConnectionString);

        Assert.Equal(("db.example", 6543, "trading_db", "trading_admin", "s3cret", SslMode.Require), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
        Assert.Equal(("db.example", 6543, "trading_db"), (dataSource.Host, dataSource.Port, dataSource.Database));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTradingTimescale(" "));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTradingTimescale("postgresql://"));
    }

    [Fact]
    public void An_application_data_source_is_not_adopted_unless_asked_and_the_configured_connection_string_wins()
    {
        // A data source the application built for itself, without NodaTime: the library must not pick it up silently.
        using var own = NpgsqlDataSource.Create("Host=app.example;Database=app_db");

        var before = new ServiceCollection();
        before.AddSingleton(own);
        before.AddTradingTimescale(Connection);
        using var beforeProvider = before.BuildServiceProvider();

        var after = new ServiceCollection();
        after.AddTradingTimescale(Connection);
        after.AddSingleton(own);
        using var afterProvider = after.BuildServiceProvider();

        foreach (var provider in new[] { beforeProvider, afterProvider })
        {
            var used = provider.GetRequiredService<TradingDatabase>().DataSource;
            Assert.NotSame(own, used);
            Assert.Equal(("db.example", 6543, "trading_db"), Target(used));
            Assert.Same(used, provider.GetRequiredKeyedService<NpgsqlDataSource>(TradingTimescaleBuilder.DataSourceKey));
            Assert.Same(own, provider.GetRequiredService<NpgsqlDataSource>());
        }

        var unconfigured = new ServiceCollection();
        unconfigured.AddSingleton(own);
        unconfigured.AddTradingTimescale(_ => { });
        using var unconfiguredProvider = unconfigured.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => unconfiguredProvider.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.StartsWith("TradingTimescale:ConnectionString is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void UseDataSource_adopts_the_application_data_source_unkeyed_keyed_or_under_the_library_key()
    {
        using var unkeyed = NpgsqlDataSource.Create("Host=unkeyed.example");
        using var keyed = NpgsqlDataSource.Create("Host=keyed.example");
        using var underLibraryKey = NpgsqlDataSource.Create("Host=library-key.example");

        var first = new ServiceCollection();
        first.AddSingleton(unkeyed);
        first.AddTradingTimescale(_ => { }).UseDataSource();
        using var firstProvider = first.BuildServiceProvider();

        var second = new ServiceCollection();
        second.AddTradingTimescale(_ => { }).UseDataSource("market");
        second.AddKeyedSingleton("market", keyed);
        using var secondProvider = second.BuildServiceProvider();

        var third = new ServiceCollection();
        third.AddKeyedSingleton(TradingTimescaleBuilder.DataSourceKey, underLibraryKey);
        third.AddTradingTimescale(_ => { });
        using var thirdProvider = third.BuildServiceProvider();

        Assert.Same(unkeyed, firstProvider.GetRequiredService<TradingDatabase>().DataSource);
        Assert.Same(keyed, secondProvider.GetRequiredService<TradingDatabase>().DataSource);
        Assert.Same(underLibraryKey, thirdProvider.GetRequiredService<TradingDatabase>().DataSource);
        Assert.All([firstProvider, secondProvider, thirdProvider], p => Assert.Null(p.GetRequiredService<IOptions<TradingTimescaleOptions>>().Value.ConnectionString));

        var missing = new ServiceCollection();
        missing.AddTradingTimescale(_ => { }).UseDataSource("nowhere");
        using var missingProvider = missing.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => missingProvider.GetRequiredService<TradingDatabase>());
        Assert.StartsWith("UseDataSource(\"nowhere\") adopts the application's NpgsqlDataSource registered with that key, but none is", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigureDataSource_changes_the_library_data_source_builder_after_its_own_settings()
    {
        var calls = new List<string>();
        var services = new ServiceCollection();
        services.AddTradingTimescale(Connection)
            .ConfigureDataSource(b => { calls.Add("first"); b.ConnectionStringBuilder.ApplicationName = "trading-app"; })
            .ConfigureDataSource(b => { calls.Add("second"); b.ConnectionStringBuilder.MaxPoolSize = 7; });
        using var provider = services.BuildServiceProvider();

        var dataSource = provider.GetRequiredService<TradingDatabase>().DataSource;

        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.Equal(["first", "second"], calls);
        Assert.Equal(("trading-app", 7, "db.example"), (settings.ApplicationName, settings.MaxPoolSize, settings.Host));

        var adopted = new ServiceCollection();
        using var own = NpgsqlDataSource.Create(Connection);
        adopted.AddSingleton(own);
        adopted.AddTradingTimescale(_ => { }).UseDataSource().ConfigureDataSource(_ => { });
        using var adoptedProvider = adopted.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => adoptedProvider.GetRequiredService<TradingDatabase>());
        Assert.StartsWith("ConfigureDataSource(...) changes the data source Trading.Timescale builds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clock_and_ingest_options_come_from_the_container_with_defaults()
    {
        var defaults = new ServiceCollection();
        defaults.AddTradingTimescale(o => { o.ConnectionString = Connection; o.ExchangeTimeZone = "Europe/London"; });
        using var defaultsProvider = defaults.BuildServiceProvider();

        var clock = new FixedClock(NodaTime.Instant.FromUtc(2026, 3, 2, 14, 30));
        var ingestOptions = IngestOptions.Default with { BatchSize = 1_234 };
        var custom = new ServiceCollection();
        custom.AddSingleton<NodaTime.IClock>(clock);
        custom.AddTradingTimescale(Connection);
        custom.AddSingleton(ingestOptions);
        using var customProvider = custom.BuildServiceProvider();

        Assert.Same(NodaTime.SystemClock.Instance, defaultsProvider.GetRequiredService<NodaTime.IClock>());
        Assert.Equal("Europe/London", defaultsProvider.GetRequiredService<TradingDatabase>().Ingest.Options.ExchangeTimeZone);
        Assert.Same(clock, customProvider.GetRequiredService<NodaTime.IClock>());
        var database = customProvider.GetRequiredService<TradingDatabase>();
        Assert.Same(ingestOptions, database.Ingest.Options);
        Assert.Same(database.Ingest, customProvider.GetRequiredService<TradingIngest>());
        Assert.Same(database.Positions, customProvider.GetRequiredService<TradingPositions>());
    }

    private static (string?, int, string?) Target(NpgsqlDataSource dataSource)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return (builder.Host, builder.Port, builder.Database);
    }

    [Fact]
    public void Guarded_arguments_throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddTradingTimescale(_ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddTradingTimescale((Action<TradingTimescaleOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddTradingTimescale((IConfiguration)null!));
    }

    private sealed class FixedClock(NodaTime.Instant now) : NodaTime.IClock
    {
        public NodaTime.Instant GetCurrentInstant() => now;
    }
}
