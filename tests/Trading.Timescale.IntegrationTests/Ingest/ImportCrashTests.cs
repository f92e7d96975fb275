using System.Diagnostics;
using Npgsql;
using Trading.Timescale.Benchmarks;
using Trading.Timescale.Cli.Commands;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>
/// <c>trading-timescale import</c> while its server is stopped in immediate mode (a crash) in the middle of the
/// import, then the same file imported again with <c>--mode upsert</c> once the server is back.
/// </summary>
public sealed class ImportCrashTests(RestartableServerFixture fixture) : RestartableServerTest(fixture, "importcrash"), IDisposable
{
    private const int Rows = 400_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("import-crash-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_import_cut_by_a_server_crash_fails_within_seconds_naming_the_lost_connection_and_an_upsert_rerun_stores_each_row_once(bool commitPerBatch)
    {
        var file = Path.Combine(_directory, "bars.csv");
        BarsCsv.Write(file, Rows, symbols: 50);
        string[] import = ["import", "stock_prices", "--file", file, "--batch-size", "20000", "--connection", Database.ConnectionString];

        var run = Task.Run(() => CliRunner.RunAsync([.. import, .. commitPerBatch ? new[] { "--commit-per-batch" } : []]), Ct);
        await WaitForSecondBatchAsync(run);
        Assert.False(run.IsCompleted, "the import finished before the server was stopped");
        await Server.StopServerAsync(Ct);
        var watch = Stopwatch.StartNew();
        (int ExitCode, string Output, string Error) crashed;
        try
        {
            crashed = await run;
        }
        finally
        {
            await Server.StartServerAsync(Ct);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the import exited {watch.Elapsed} after the crash");
        Assert.Equal(ImportCommand.Failed, crashed.ExitCode);
        var port = new NpgsqlConnectionStringBuilder(Database.ConnectionString).Port;
        Assert.Contains($"the connection to 127.0.0.1:{port}/{Database.Name}", crashed.Error, StringComparison.Ordinal);
        Assert.True(crashed.Error.Contains("was lost", StringComparison.Ordinal) || crashed.Error.Contains("could not be opened", StringComparison.Ordinal), crashed.Error);
        var (stored, _) = await CountAsync();
        if (commitPerBatch)
        {
            Assert.Contains("Committed before it", crashed.Error, StringComparison.Ordinal);
            Assert.Equal(0, stored % 20_000);
            Assert.InRange(stored, 20_000, Rows - 20_000);
        }
        else
        {
            Assert.Contains("Nothing was written", crashed.Error, StringComparison.Ordinal);
            Assert.Equal(0L, stored);
        }

        var rerun = await CliRunner.RunAsync([.. import, "--mode", "upsert"]);

        Assert.True(rerun.ExitCode == ImportCommand.Succeeded, rerun.Error);
        Assert.Equal(((long)Rows, (long)Rows), await CountAsync());
    }

    /// <summary>Waits until a second COPY of the import has started, so at least one batch was sent whole.</summary>
    private async Task WaitForSecondBatchAsync(Task run)
    {
        await using var dataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        var copies = new HashSet<DateTime>();
        var watch = Stopwatch.StartNew();
        while (!run.IsCompleted && copies.Count < 2)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), "the import never started its second COPY");
            await using var command = dataSource.CreateCommand(
                "SELECT query_start FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY %stock_prices%' AND state = 'active'");
            if (await command.ExecuteScalarAsync(Ct) is DateTime started)
            {
                copies.Add(started);
            }

            await Task.Delay(10, Ct);
        }
    }

    private async Task<(long Rows, long Keys)> CountAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(Database.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*), count(DISTINCT (symbol, timestamp)) FROM trading.stock_prices");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        await reader.ReadAsync(Ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
