using System.Text.Json;
using Npgsql;
using Trading.Timescale.Cli;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Cli;

public sealed class CliTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    /// <summary>The server's real password, or one a trust-authenticated server ignores, to prove it is never printed.</summary>
    private string Password =>
        new NpgsqlConnectionStringBuilder(Database.ConnectionString).Password is { Length: > 0 } password ? password : "Sup3rSecretPassw0rd";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The test database's connection string, always with a password.</summary>
    private string Connection => new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Password = Password }.ConnectionString;

    [Fact]
    public async Task Migrate_then_status_as_json_reports_every_file_applied()
    {
        var migrate = await RunAsync("migrate", "--connection", Connection);
        var status = await RunAsync("status", "--connection", Connection, "--json");
        var again = await RunAsync("migrate", "--connection", Connection, "--json");

        Assert.Equal(0, migrate.ExitCode);
        Assert.Contains("0002_tables", migrate.Output, StringComparison.Ordinal);
        Assert.Contains("Applied", migrate.Output, StringComparison.Ordinal);
        Assert.Equal(0, status.ExitCode);
        using var json = JsonDocument.Parse(status.Output);
        Assert.True(json.RootElement.GetProperty("upToDate").GetBoolean());
        Assert.Equal(Database.Name, json.RootElement.GetProperty("database").GetString());
        var migrations = json.RootElement.GetProperty("migrations").EnumerateArray().ToList();
        Assert.Contains(migrations, m => m.GetProperty("id").GetString() == "0003_hypertables");
        Assert.All(migrations, m => Assert.Equal("applied", m.GetProperty("status").GetString()));
        Assert.All(migrations, m => Assert.Equal(m.GetProperty("checksum").GetString(), m.GetProperty("applied").GetProperty("checksum").GetString()));
        using var againJson = JsonDocument.Parse(again.Output);
        Assert.Equal(0, againJson.RootElement.GetProperty("applied").GetArrayLength());
        Assert.All([migrate, status, again], r => Assert.Equal(string.Empty, r.Error));
    }

    [Fact]
    public async Task Status_before_migrate_lists_pending_files_in_a_table()
    {
        var status = await RunAsync("status", "-c", Connection);

        Assert.Equal(0, status.ExitCode);
        Assert.Contains("ID", status.Output, StringComparison.Ordinal);
        Assert.Contains("0001_schema", status.Output, StringComparison.Ordinal);
        Assert.Contains("pending", status.Output, StringComparison.Ordinal);
        Assert.Contains("run `trading-timescale migrate`", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_as_json_reports_hypertables_and_what_the_edition_lacks()
    {
        await RunAsync("migrate", "-c", Connection);

        var health = await RunAsync("health", "-c", Connection, "--json");

        using var json = JsonDocument.Parse(health.Output);
        var root = json.RootElement;
        // Job runs are TimescaleDB's business (a server may run or fail them at any time): only the rest is this test's.
        var problems = root.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.DoesNotContain(problems, p => !p.StartsWith("job ", StringComparison.Ordinal));
        Assert.Equal(problems.Count == 0, root.GetProperty("healthy").GetBoolean());
        Assert.Equal(problems.Count == 0 ? 0 : 1, health.ExitCode);
        Assert.Equal(Edition.ToString().ToLowerInvariant(), root.GetProperty("server").GetProperty("edition").GetString());
        Assert.Contains(root.GetProperty("hypertables").EnumerateArray(), h => h.GetProperty("name").GetString() == "stock_prices" && h.GetProperty("chunkInterval").GetString() == "1 day");
        var compression = root.GetProperty("compression");
        if (Edition == Trading.Timescale.Schema.TimescaleEdition.Apache)
        {
            Assert.False(compression.GetProperty("available").GetBoolean());
            Assert.Equal("unavailable on the apache edition", compression.GetProperty("unavailableReason").GetString());
        }
        else
        {
            Assert.True(compression.GetProperty("available").GetBoolean());
        }
    }

    [Fact]
    public async Task Health_of_a_database_not_migrated_exits_non_zero_with_one_line()
    {
        var health = await RunAsync("health", "-c", Connection);

        Assert.Equal(1, health.ExitCode);
        Assert.Single(Lines(health.Error));
        Assert.Contains("not healthy", health.Error, StringComparison.Ordinal);
        Assert.Contains("0001_schema", health.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_server_exits_non_zero_with_one_line_and_no_password()
    {
        var bad = new NpgsqlConnectionStringBuilder(Connection) { Port = 1, Timeout = 3 }.ConnectionString;

        foreach (var command in new[] { "migrate", "status", "health", "retention" })
        {
            var result = await RunAsync(command, "--connection", bad);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Single(Lines(result.Error));
            Assert.StartsWith("trading-timescale: ", result.Error, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1:1", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, result.Error + result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Password_is_never_printed_by_any_command()
    {
        var url = $"postgresql://postgres:{Password}@127.0.0.1:{new NpgsqlConnectionStringBuilder(Database.ConnectionString).Port}/{Database.Name}";
        var results = new[]
        {
            await RunAsync("migrate", "-c", url),
            await RunAsync("status", "-c", url),
            await RunAsync("status", "-c", url, "--json"),
            await RunAsync("health", "-c", url),
            await RunAsync("health", "-c", url, "--json"),
            await RunAsync("retention", "-c", url),
        };

        Assert.Equal(0, results[0].ExitCode);
        Assert.All(results, r => Assert.DoesNotContain(Password, r.Output + r.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrate_applies_set_options_and_refuses_a_bad_one_naming_the_setting()
    {
        var bad = await RunAsync("migrate", "-c", Connection, "--set", "Retention:StockPrices=90 dayz");
        var invalid = await RunAsync("migrate", "-c", Connection, "--time-zone", "America/NewYork");
        var good = await RunAsync("migrate", "-c", Connection, "--set", "ChunkIntervals:StockPrices=2 days", "--time-zone", "Europe/London");

        Assert.Equal(1, bad.ExitCode);
        Assert.Single(Lines(bad.Error));
        Assert.Contains("Retention:StockPrices", bad.Error, StringComparison.Ordinal);
        Assert.Contains("'90 dayz' is not an interval", bad.Error, StringComparison.Ordinal);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("TradingTimescale:ExchangeTimeZone (America/NewYork)", invalid.Error, StringComparison.Ordinal);
        Assert.Equal(0, good.ExitCode);
        await using var command = DataSource.CreateCommand("SELECT time_interval::text FROM timescaledb_information.dimensions WHERE hypertable_name = 'stock_prices'");
        Assert.Equal("2 days", await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Script_writes_a_file_for_the_edition_and_rejects_an_unknown_edition()
    {
        var file = Path.Combine(Path.GetTempPath(), $"{Database.Name}.sql");
        try
        {
            var result = await RunAsync("script", "--edition", "community", "--output", file, "--set", "Retention:Signals=2 years");
            var wrong = await RunAsync("script", "--edition", "enterprise");

            Assert.Equal(0, result.ExitCode);
            Assert.Contains(file, result.Output, StringComparison.Ordinal);
            var script = await File.ReadAllTextAsync(file, Ct);
            Assert.Contains("set_config('trading_timescale.edition', 'community', false)", script, StringComparison.Ordinal);
            Assert.Contains("set_config('trading_timescale.retention_signals', '2 years', false)", script, StringComparison.Ordinal);
            Assert.Contains("-- ===== migrations/0001_schema.sql", script, StringComparison.Ordinal);
            Assert.NotEqual(0, wrong.ExitCode);
            Assert.Contains("enterprise", wrong.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Retention_without_the_function_exits_non_zero_naming_it()
    {
        var result = await RunAsync("retention", "-c", Connection);

        Assert.Equal(1, result.ExitCode);
        Assert.Single(Lines(result.Error));
        Assert.Contains("trading.apply_retention()", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_reports_the_chunks_the_function_dropped()
    {
        // A database-side retention function of the documented shape, over a hypertable with one chunk past 90 days.
        await using (var setup = DataSource.CreateCommand("""
            CREATE SCHEMA trading;
            CREATE TABLE trading.ticks (ts timestamptz NOT NULL, price numeric);
            SELECT create_hypertable('trading.ticks', 'ts', chunk_time_interval => INTERVAL '1 day');
            INSERT INTO trading.ticks VALUES (now() - INTERVAL '200 days', 1), (now() - INTERVAL '150 days', 2), (now(), 3);
            CREATE FUNCTION trading.apply_retention() RETURNS TABLE (hypertable text, dropped_chunks int) LANGUAGE sql AS $$
                SELECT 'trading.ticks', count(*)::int FROM drop_chunks('trading.ticks', older_than => INTERVAL '90 days');
            $$;
            """))
        {
            await setup.ExecuteNonQueryAsync(Ct);
        }

        var result = await RunAsync("retention", "-c", Connection, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(2, json.RootElement.GetProperty("droppedChunks").GetInt32());
        Assert.Equal("trading.ticks", json.RootElement.GetProperty("tables")[0].GetProperty("hypertable").GetString());
        await using var count = DataSource.CreateCommand("SELECT count(*) FROM trading.ticks");
        Assert.Equal(1L, await count.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public void Connection_comes_from_the_option_then_the_environment_in_order()
    {
        var variables = new Dictionary<string, string?>
        {
            ["TRADING_TIMESCALE_CONNECTION"] = "Host=first;Database=a",
            ["DATABASE_URL"] = "postgresql://u:p@second/b",
            ["DB_HOST"] = "third",
        };

        Assert.Equal("option", new NpgsqlConnectionStringBuilder(CliContext.Resolve("Host=option", variables.GetValueOrDefault)).Host);
        Assert.Equal("first", new NpgsqlConnectionStringBuilder(CliContext.Resolve(null, variables.GetValueOrDefault)).Host);
        variables.Remove("TRADING_TIMESCALE_CONNECTION");
        Assert.Equal("second", new NpgsqlConnectionStringBuilder(CliContext.Resolve(" ", variables.GetValueOrDefault)).Host);
        variables.Remove("DATABASE_URL");
        Assert.Equal("third", new NpgsqlConnectionStringBuilder(CliContext.Resolve(null, variables.GetValueOrDefault)).Host);
        variables.Remove("DB_HOST");
        Assert.Null(CliContext.Resolve(null, variables.GetValueOrDefault));
    }

    [Fact]
    public async Task Connection_file_or_standard_input_keeps_the_password_out_of_the_arguments()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trading-timescale-connection-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, Connection + Environment.NewLine, Ct);
        try
        {
            var fromFile = await RunAsync("status", "--connection-file", file, "--json");
            var fromStdin = await RunAsync(new StringReader(Connection), "status", "--connection-file", "-", "--json");
            var both = await RunAsync("status", "--connection-file", file, "--connection", Connection);
            var empty = await RunAsync(new StringReader("  \n"), "status", "--connection-file", "-");
            var missing = await RunAsync("status", "--connection-file", file + ".missing");
            var help = await RunAsync("--help");

            Assert.Equal(0, fromFile.ExitCode);
            Assert.Equal(0, fromStdin.ExitCode);
            using (var json = JsonDocument.Parse(fromStdin.Output))
            {
                Assert.Equal(Database.Name, json.RootElement.GetProperty("database").GetString());
            }

            Assert.Equal((1, "trading-timescale: pass either --connection or --connection-file, not both."), (both.ExitCode, both.Error.Trim()));
            Assert.Equal((1, "trading-timescale: --connection-file - (standard input) is empty: write an Npgsql connection string or a postgresql:// URL in it."), (empty.ExitCode, empty.Error.Trim()));
            Assert.Equal(1, missing.ExitCode);
            Assert.StartsWith($"trading-timescale: --connection-file {file}.missing cannot be read", missing.Error, StringComparison.Ordinal);
            Assert.Contains("--connection-file", help.Output, StringComparison.Ordinal);
            Assert.Contains("standard input", help.Output, StringComparison.Ordinal);
            Assert.All([fromFile, fromStdin, both, empty, missing], r => Assert.DoesNotContain(Password, r.Output + r.Error, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Import_reads_the_connection_from_a_file_too()
    {
        await RunAsync("migrate", "-c", Connection);
        var connectionFile = Path.Combine(Path.GetTempPath(), $"trading-timescale-connection-{Guid.NewGuid():N}.txt");
        var csv = Path.Combine(Path.GetTempPath(), $"trading-timescale-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(connectionFile, Connection, Ct);
        await File.WriteAllTextAsync(csv, "symbol,timestamp,close_price\nAAPL,2026-01-05T14:30:00Z,150.25\n", Ct);
        try
        {
            var import = await RunAsync("import", "stock_prices", "--file", csv, "--connection-file", connectionFile);
            var bothStdin = await RunAsync("import", "stock_prices", "--file", "-", "--connection-file", "-");

            Assert.Equal(0, import.ExitCode);
            Assert.StartsWith("trading.stock_prices: read 1 rows, wrote 1", import.Output, StringComparison.Ordinal);
            Assert.Equal(1, bothStdin.ExitCode);
            Assert.Contains("cannot both read standard input", bothStdin.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(connectionFile);
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task A_connection_failure_shows_host_port_database_and_user_but_no_secret_keyword()
    {
        var withSecrets = new NpgsqlConnectionStringBuilder(Connection) { Host = "127.0.0.1", Port = 1, Timeout = 3, SslPassword = "ssl-key-secret-42" }.ConnectionString;

        var result = await RunAsync("status", "--connection", withSecrets);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"[connection: Host=127.0.0.1;Port=1;Database={Database.Name};Username=", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ssl-key-secret-42", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Timeout", result.Error, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(null, args);

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(TextReader? input, params string[] args) => CliRunner.RunAsync(args, input);
}
