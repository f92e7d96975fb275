using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Operations;

public sealed class OperationsCliTests(Infrastructure.TimescaleServerFixture server) : OperationsTest(server)
{
    private readonly string _suffix = RandomNumberGenerator.GetHexString(8, lowercase: true);

    private string Connection => Database.ConnectionString;

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string? input, params string[] args) =>
        CliRunner.RunAsync(args, new StringReader(input ?? string.Empty));

    [Fact]
    public async Task Stats_as_json_and_as_tables()
    {
        await ExecuteAsync("INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('AAPL', now(), 1), ('AAPL', now() - INTERVAL '3 days', 1)");

        var json = await RunAsync(null, "stats", "-c", Connection, "--json");
        var text = await RunAsync(null, "stats", "-c", Connection, "--chunks");

        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        var prices = document.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "stock_prices");
        Assert.Equal(2, prices.GetProperty("chunks").GetInt32());
        Assert.Equal(await ScalarAsync<long>("SELECT hypertable_size('trading.stock_prices')"), prices.GetProperty("totalBytes").GetInt64());
        Assert.Equal(2, document.RootElement.GetProperty("chunks").EnumerateArray().Count(c => c.GetProperty("hypertable").GetString() == "stock_prices"));
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Tables (hypertables including their chunks):", text.Output, StringComparison.Ordinal);
        Assert.Contains("Top statements (pg_stat_statements)", text.Output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, text.Error);
    }

    [Fact]
    public async Task Maintain_dry_run_then_for_real_and_retention_as_a_thin_call()
    {
        await ExecuteAsync("INSERT INTO trading.stock_prices (symbol, timestamp, close_price) VALUES ('AAPL', now() - INTERVAL '120 days', 1), ('AAPL', now(), 1)");

        var dry = await RunAsync(null, "maintain", "-c", Connection, "--dry-run", "--json");
        var table = await RunAsync(null, "maintain", "-c", Connection, "--dry-run");
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        var real = await RunAsync(null, "maintain", "-c", Connection);
        var retention = await RunAsync(null, "retention", "-c", Connection, "--json");

        Assert.Equal(0, dry.ExitCode);
        using var document = JsonDocument.Parse(dry.Output);
        Assert.True(document.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal("trading.stock_prices", document.RootElement.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == "drop").GetProperty("target").GetString());
        Assert.Contains("nothing was changed", table.Output, StringComparison.Ordinal);
        Assert.Equal(0, real.ExitCode);
        Assert.Contains("1 drop", real.Output, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        using var again = JsonDocument.Parse(retention.Output);
        Assert.Equal(0, again.RootElement.GetProperty("droppedChunks").GetInt32());
        Assert.Equal(7, again.RootElement.GetProperty("tables").GetArrayLength());
    }

    [Fact]
    public async Task Quality_exits_non_zero_when_a_check_fails()
    {
        await ExecuteAsync("""
            INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type, bid_price, ask_price)
            VALUES ('XQ', 'XQ261218C100', '2026-11-16 15:00:00+00', '2026-12-18', 100, 'CALL', 2, 1);
            """);

        var result = await RunAsync(null, "quality", "-c", Connection, "--as-of", "2026-11-16T21:30:00Z", "--json");
        var bad = await RunAsync(null, "quality", "-c", Connection, "--as-of", "yesterday");

        Assert.Equal(1, result.ExitCode);
        using var document = JsonDocument.Parse(result.Output);
        Assert.Contains(document.RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("check").GetString() == "crossed_quote" && c.GetProperty("symbol").GetString() == "XQ");
        Assert.StartsWith("trading-timescale: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("data quality check(s) failed: ", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"crossed_quote (trading\.)?options_data XQ", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--as-of \"yesterday\" is not an ISO 8601 instant", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_apply_reads_passwords_from_a_file_and_standard_input_and_never_prints_them()
    {
        var analytics = "cli_analytics_" + _suffix;
        var app = "cli_app_" + _suffix;
        var analyticsPassword = "F1le-" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        var appPassword = "St4in-" + RandomNumberGenerator.GetHexString(12, lowercase: true);
        var file = Path.Combine(Path.GetTempPath(), $"{Database.Name}.password");
        await File.WriteAllTextAsync(file, analyticsPassword + "\n", Ct);
        try
        {
            var result = await RunAsync(appPassword + "\n", "roles", "apply", "-c", Connection,
                "--analytics-user", analytics, "--analytics-password-file", file, "--app-user", app, "--app-password-file", "-");
            var missing = await RunAsync(null, "roles", "apply", "-c", Connection, "--analytics-user", analytics, "--analytics-password-file", file + ".missing", "--app-user", app);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("created", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(analyticsPassword, result.Output + result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(appPassword, result.Output + result.Error, StringComparison.Ordinal);
            await using (var login = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Connection) { Username = app, Password = appPassword, Pooling = false }.ConnectionString))
            {
                await login.OpenAsync(Ct);
            }

            Assert.Equal(1, missing.ExitCode);
            Assert.Contains(".missing: no such file", missing.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            await ExecuteAsync($"DROP OWNED BY \"{analytics}\", \"{app}\"; DROP ROLE \"{analytics}\"; DROP ROLE \"{app}\"");
        }
    }

    [Fact]
    public async Task Setup_twice_reports_nothing_to_do_the_second_time()
    {
        var name = "tt_clisetup_" + _suffix;
        var admin = ServerFixture.Server.ConnectionString;
        try
        {
            var first = await RunAsync("0wner-pass\n", "setup", "-c", admin, "--database", name, "--owner", name + "_owner", "--owner-password-file", "-", "--json");
            var second = await RunAsync("0wner-pass\n", "setup", "-c", admin, "--database", name, "--owner", name + "_owner", "--owner-password-file", "-");

            Assert.Equal(0, first.ExitCode);
            using var document = JsonDocument.Parse(first.Output);
            Assert.True(document.RootElement.GetProperty("databaseCreated").GetBoolean());
            Assert.Equal(0, second.ExitCode);
            Assert.Contains("Nothing to do.", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            await ExecuteAsync($"DROP ROLE IF EXISTS \"{name}_owner\"");
        }
    }
}
