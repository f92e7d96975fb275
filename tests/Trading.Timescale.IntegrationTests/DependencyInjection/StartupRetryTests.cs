using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Trading.Timescale.DependencyInjection.Internal;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.DependencyInjection;

public sealed class StartupRetryTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Apply_schema_on_startup_waits_for_a_server_that_starts_accepting_connections_later()
    {
        var target = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var port = TcpForwarder.FreePort();
        var late = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Host = "127.0.0.1", Port = port, Timeout = 2, Password = target.Password ?? "pw-not-used" };
        var logger = new CapturingLogger<TradingSchemaHostedService>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<ILogger<TradingSchemaHostedService>>(logger);
        builder.Services.AddTradingTimescale(late.ConnectionString).ApplySchemaOnStartup();
        using var host = builder.Build();

        var start = host.StartAsync(Ct);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var startedEarly = start.IsCompleted;
        await using (TcpForwarder.Start(port, target.Host!, target.Port))
        {
            await start;
            var status = await host.Services.GetRequiredService<TradingDatabase>().Schema.GetStatusAsync(Ct);
            await host.StopAsync(Ct);
            Assert.True(status.IsUpToDate);
        }

        Assert.False(startedEarly);
        var attempts = logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a => Assert.Contains($"127.0.0.1:{port}", a, StringComparison.Ordinal));
        Assert.All(logger.Entries, e => Assert.DoesNotContain(late.Password!, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apply_schema_on_startup_gives_up_after_the_retry_time_naming_host_and_database_but_not_the_password()
    {
        var port = TcpForwarder.FreePort();
        var nowhere = new NpgsqlConnectionStringBuilder(Database.ConnectionString)
        {
            Host = "127.0.0.1", Port = port, Timeout = 2, Password = "never-shown-pw", SslPassword = "never-shown-ssl",
        };
        var logger = new CapturingLogger<TradingSchemaHostedService>();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<ILogger<TradingSchemaHostedService>>(logger);
        builder.Services.AddTradingTimescale(o =>
        {
            o.ConnectionString = nowhere.ConnectionString;
            o.StartupRetryTimeout = TimeSpan.FromSeconds(2);
        }).ApplySchemaOnStartup();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<Trading.Timescale.Schema.TradingSchemaException>(() => host.StartAsync(Ct));

        Assert.StartsWith($"Cannot apply the trading schema at start-up: the database 127.0.0.1:{port}/{Database.Name} could not be reached in ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TradingTimescale:StartupRetryTimeout is 00:00:02", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        Assert.True(warnings.Count >= 2, $"{warnings.Count} attempt(s) logged");
        Assert.StartsWith($"Attempt 1 to reach the trading database 127.0.0.1:{port}/{Database.Name} at start-up failed", warnings[0].Message, StringComparison.Ordinal);
        Assert.All(logger.Entries.Select(e => e.Message).Append(ex.Message), m =>
        {
            Assert.DoesNotContain("never-shown-pw", m, StringComparison.Ordinal);
            Assert.DoesNotContain("never-shown-ssl", m, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_refused_login_is_not_retried()
    {
        var wrong = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = "no_such_role_" + Guid.NewGuid().ToString("N")[..8] };
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddTradingTimescale(o =>
        {
            o.ConnectionString = wrong.ConnectionString;
            o.StartupRetryTimeout = TimeSpan.FromMinutes(5);
        }).ApplySchemaOnStartup();
        using var host = builder.Build();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => host.StartAsync(Ct));

        Assert.StartsWith("28", ex.SqlState, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }
}
