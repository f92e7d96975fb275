using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.DependencyInjection;

public sealed class HostedSchemaTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Apply_schema_on_startup_migrates_when_the_host_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddTradingTimescale(Database.ConnectionString).ApplySchemaOnStartup();
        using var host = builder.Build();

        await host.StartAsync(Ct);
        try
        {
            var database = host.Services.GetRequiredService<TradingDatabase>();
            var status = await database.Schema.GetStatusAsync(Ct);
            Assert.True(status.IsUpToDate);
            Assert.NotEmpty(status.Journal);
            await database.Schema.AssertUpToDateAsync(Ct);
            await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM trading.schema_migrations");
            Assert.Equal((long)status.Migrations.Count, await command.ExecuteScalarAsync(Ct));
        }
        finally
        {
            await host.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task Without_apply_schema_on_startup_the_host_starts_and_changes_nothing()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddTradingTimescale(o => o.ConnectionString = Database.ConnectionString);
        using var host = builder.Build();

        await host.StartAsync(Ct);
        var status = await host.Services.GetRequiredService<TradingSchemaInstaller>().GetStatusAsync(Ct);
        await host.StopAsync(Ct);

        Assert.Empty(status.Journal);
        Assert.False(status.IsUpToDate);
    }

    [Fact]
    public async Task Options_from_configuration_reach_the_database_at_startup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TradingTimescale:ConnectionString"] = Database.ConnectionString,
            ["TradingTimescale:ApplySchemaOnStartup"] = "true",
            ["TradingTimescale:ChunkIntervals:OptionsData"] = "P2D",
        });
        builder.Services.AddTradingTimescale(builder.Configuration.GetSection(TradingTimescaleOptions.SectionName));
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        await using var command = DataSource.CreateCommand("SELECT time_interval::text FROM timescaledb_information.dimensions WHERE hypertable_name = 'options_data'");
        Assert.Equal("2 days", await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_startup_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TradingTimescale:ConnectionString"] = Database.ConnectionString,
            ["TradingTimescale:Retention:StockPrices"] = "2 hours",
        });
        builder.Services.AddTradingTimescale(builder.Configuration.GetSection(TradingTimescaleOptions.SectionName)).ApplySchemaOnStartup();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("TradingTimescale:Refresh:StockPrices1m:StartOffset (3 hours) reaches past TradingTimescale:Retention:StockPrices (2 hours)", ex.Message, StringComparison.Ordinal);
        await using var command = DataSource.CreateCommand("SELECT to_regclass('trading.schema_migrations') IS NULL");
        Assert.Equal(true, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Application_data_source_is_used_when_adopted_with_UseDataSource_and_needs_no_connection_string()
    {
        var appBuilder = new NpgsqlDataSourceBuilder(Database.ConnectionString);
        appBuilder.UseNodaTime();
        await using var own = appBuilder.Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(own);
        builder.Services.AddTradingTimescale(_ => { }).UseDataSource().ApplySchemaOnStartup();
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        Assert.Same(own, host.Services.GetRequiredService<TradingDatabase>().DataSource);
        Assert.True((await host.Services.GetRequiredService<TradingDatabase>().Schema.GetStatusAsync(Ct)).IsUpToDate);
    }

    [Fact]
    public async Task An_unkeyed_application_data_source_without_NodaTime_is_left_alone_and_the_library_builds_its_own()
    {
        // The application's data source points at another database and maps no NodaTime types.
        await using var unrelated = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Database = "postgres" }.ConnectionString);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(unrelated);
        builder.Services.AddTradingTimescale(Database.ConnectionString).ApplySchemaOnStartup();
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        var database = host.Services.GetRequiredService<TradingDatabase>();
        Assert.NotSame(unrelated, database.DataSource);
        await using var command = database.DataSource.CreateCommand("SELECT current_database(), max(applied_at) FROM trading.schema_migrations");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(Database.Name, reader.GetString(0));
        Assert.IsType<NodaTime.Instant>(reader.GetValue(1));
    }

    [Fact]
    public async Task Create_without_dependency_injection_owns_and_disposes_its_data_source()
    {
        var database = TradingDatabase.Create(Database.ConnectionString, o => o.ExchangeTimeZone = "Europe/London");
        var report = await database.Schema.MigrateAsync(Ct);
        await using (var command = database.DataSource.CreateCommand("SELECT now()"))
        {
            Assert.IsType<NodaTime.Instant>(await command.ExecuteScalarAsync(Ct));
        }

        await database.DisposeAsync();

        Assert.NotEmpty(report.Applied);
        Assert.Equal("Europe/London", database.Options.ExchangeTimeZone);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await database.DataSource.OpenConnectionAsync(Ct));
    }
}
