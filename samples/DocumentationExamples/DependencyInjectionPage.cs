using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Trading.Timescale;
using Trading.Timescale.Ingest;

namespace DocumentationExamples;

/// <summary>The samples of docs/dependency-injection.md.</summary>
internal static class DependencyInjectionPage
{
    public static void Registrations(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);

        // 1. from configuration (appsettings.json "TradingTimescale" section)
        builder.Services.AddTradingTimescale(builder.Configuration.GetSection("TradingTimescale"))
            .ApplySchemaOnStartup();

        // 2. in code
        builder.Services.AddTradingTimescale(o =>
        {
            o.ConnectionString = Environment.GetEnvironmentVariable("TRADING_TIMESCALE_CONNECTION")!;   // keep the password out of the code
            o.Retention.StockPrices = TimescaleInterval.Parse("120 days");
        });

        // 3. a connection string or postgresql:// URL, defaults for everything else
        builder.Services.AddTradingTimescale(Environment.GetEnvironmentVariable("DATABASE_URL")!);
    }

    public static void DataSources(HostApplicationBuilder builder, IConfiguration configuration, string connectionString, NpgsqlDataSource myDataSource)
    {
        // Adopt the application's unkeyed data source (ConnectionString is then not needed):
        builder.Services.AddNpgsqlDataSource(connectionString, b => b.UseNodaTime());
        builder.Services.AddTradingTimescale(_ => { }).UseDataSource();

        // Adopt a keyed one:
        builder.Services.AddNpgsqlDataSource(connectionString, b => b.UseNodaTime(), serviceKey: "market");
        builder.Services.AddTradingTimescale(_ => { }).UseDataSource("market");

        // Or register one under the library's key:
        builder.Services.AddKeyedSingleton(TradingTimescaleBuilder.DataSourceKey, myDataSource);

        // Change the builder of the library's own data source (after NodaTime and logging):
        builder.Services.AddTradingTimescale(configuration.GetSection("TradingTimescale"))
            .ConfigureDataSource(b => b.UsePeriodicPasswordProvider(FetchTokenAsync, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5)));
    }

    public static void ClockAndIngestOptions(HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IClock>(new FakeClock(Instant.FromUtc(2026, 3, 2, 14, 30)));
        builder.Services.AddSingleton(IngestOptions.Default with { BatchSize = 10_000, InvalidRows = InvalidRowHandling.Skip });
    }

    public static async Task WithoutDependencyInjectionAsync(string connectionString)
    {
        await using var db = TradingDatabase.Create(connectionString,
            o => o.ExchangeTimeZone = "America/Chicago");
        await db.Schema.MigrateAsync();
    }

    private static ValueTask<string> FetchTokenAsync(NpgsqlConnectionStringBuilder settings, CancellationToken ct) =>
        ValueTask.FromResult(Environment.GetEnvironmentVariable("PGPASSWORD") ?? string.Empty);
}
