using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// The "Back up to S3 and restore from it" block of docs/operations.md, run as written by bash with the built
/// trading-timescale tool on PATH, against the test database and a local S3 server (s3rver on 127.0.0.1). The test sets
/// only the page's site values (connection file, backup directory, bucket, prefix, target database) and the AWS SDK's endpoint and
/// credentials in the environment of that one process.
/// </summary>
public sealed class BackupS3RecipeTests(TimescaleServerFixture server, S3ServerFixture s3) : BackupTest(server), IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task The_documented_backup_to_s3_restores_every_row_into_a_new_database()
    {
        Assert.SkipWhen(s3.UnavailableReason is not null, s3.UnavailableReason ?? string.Empty);
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "the recipe is a bash script");
        var tool = Path.Combine(AppContext.BaseDirectory, "trading-timescale");
        Assert.True(File.Exists(tool), $"the built tool is not at {tool}");
        await LoadEveryTableAsync();
        var target = NewDatabaseName("s3recipe");
        var work = Path.Combine(BackupDirectoryPath, "recipe");
        Directory.CreateDirectory(work);
        var connectionFile = Path.Combine(work, "connection");
        await File.WriteAllTextAsync(connectionFile, Database.ConnectionString + "\n", Ct);
        var prefix = "recipes/" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CONNECTION_FILE"] = connectionFile,
            ["BACKUP_DIR"] = Path.Combine(work, "local"),
            ["S3_BUCKET"] = S3ServerFixture.Bucket,
            ["S3_PREFIX"] = prefix,
            ["RESTORE_INTO"] = target,
        };
        var recipe = DocumentedRecipe.FromSection("docs/operations.md", "### Back up to S3 and restore from it");
        var script = recipe.Block(0, settings, [.. settings.Keys]);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["AWS_ENDPOINT_URL_S3"] = s3.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = S3ServerFixture.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3ServerFixture.AccessKey,
            ["AWS_REGION"] = "us-east-1",
        };

        // The target exists as a template database, where TimescaleDB starts no job scheduler: no retention job may drop
        // the restored rows (dated months back) before they are compared. The restore fills an existing empty database.
        await AdminAsync($"CREATE DATABASE \"{target}\"");
        await AdminAsync($"ALTER DATABASE \"{target}\" IS_TEMPLATE true");
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await DocumentedRecipe.RunAsync(string.Empty, script, work, environment, TimeSpan.FromMinutes(3), Ct);
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE \"{target}\" IS_TEMPLATE false");
        }

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{script}\n--- output:\n{output}");
        var printed = (await File.ReadAllLinesAsync(Path.Combine(work, "backup.txt"), Ct)).Where(l => l.Length > 0).ToList();
        Assert.Equal(2, printed.Count);
        Assert.StartsWith(Path.Combine(work, "local"), printed[0], StringComparison.Ordinal);
        Assert.Equal($"s3://{S3ServerFixture.Bucket}/{prefix}/{Path.GetFileName(printed[0])}", printed[1]);
        Assert.Contains(Path.GetFileName(printed[0]), output, StringComparison.Ordinal);
        var source = await FingerprintAsync(Database.ConnectionString);
        var copy = await FingerprintAsync(ConnectionStringFor(target));
        Assert.True(source.SequenceEqual(copy), "tables that differ (source / restored): " + string.Join("; ",
            source.Keys.Union(copy.Keys).Where(k => !source.TryGetValue(k, out var s) || !copy.TryGetValue(k, out var c) || s != c)
                .Select(k => $"{k}: {(source.TryGetValue(k, out var s) ? s.ToString() : "missing")} / {(copy.TryGetValue(k, out var c) ? c.ToString() : "missing")}")));
        await using var restored = new NpgsqlConnection(ConnectionStringFor(target));
        await restored.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM trading.stock_prices", restored);
        Assert.Equal(600L, (long)(await count.ExecuteScalarAsync(Ct))!);
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ServerFixture.Server.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
