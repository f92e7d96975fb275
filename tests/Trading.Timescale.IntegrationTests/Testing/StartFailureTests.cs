using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>When no strategy can work, the error lists what was tried and what to do.</summary>
public sealed class StartFailureTests
{
    [Fact]
    public async Task Without_postgres_binaries_the_error_lists_every_strategy_and_what_to_do()
    {
        var ct = TestContext.Current.CancellationToken;
        var emptyBin = Directory.CreateTempSubdirectory("tt-no-postgres-").FullName;
        var variable = "TT_UNSET_" + Guid.NewGuid().ToString("N");
        try
        {
            var options = new TimescaleTestServerOptions
            {
                ConnectionStringVariable = variable,
                UseContainer = false,
                PostgresBinDirectory = emptyBin,
            };

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TimescaleTestServer.StartAsync(options, ct));

            var lines = error.Message.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
            Assert.Equal("No PostgreSQL server with TimescaleDB is available for the tests. Tried, in order:", lines[0]);
            Assert.Equal($"  1. Existing server: {variable} is not set.", lines[1]);
            Assert.Equal("  2. Docker: not tried (UseContainer is false).", lines[2]);
            Assert.Equal($"  3. Local cluster: no PostgreSQL server binaries (initdb, pg_ctl, postgres) found in {emptyBin}.", lines[3]);
            Assert.Contains($"  - set {variable} to a PostgreSQL server with TimescaleDB, as a connection string", lines);
            Assert.Contains(lines, line => line.Contains("scripts/ensure-timescaledb.sh", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains("PostgresBinDirectory", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(emptyBin, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_options_are_refused_before_anything_starts()
    {
        var ct = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<ArgumentNullException>(() => TimescaleTestServer.StartAsync(null!, ct));
        var timeout = await Assert.ThrowsAsync<ArgumentException>(() =>
            TimescaleTestServer.StartAsync(new TimescaleTestServerOptions { StartTimeout = TimeSpan.Zero }, ct));
        Assert.Contains("StartTimeout", timeout.Message, StringComparison.Ordinal);
        var image = await Assert.ThrowsAsync<ArgumentException>(() =>
            TimescaleTestServer.StartAsync(new TimescaleTestServerOptions { ContainerImage = " " }, ct));
        Assert.Contains("ContainerImage", image.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_value_that_is_not_a_connection_string_names_its_origin()
    {
        var ct = TestContext.Current.CancellationToken;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TimescaleTestServer.StartAsync(new TimescaleTestServerOptions { ConnectionString = "postgresql://" }, ct));
        Assert.StartsWith("TimescaleTestServerOptions.ConnectionString is neither a valid connection string nor a postgresql:// URL", error.Message, StringComparison.Ordinal);
    }
}
