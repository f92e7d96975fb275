using System.Text.Json.Nodes;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>The backup, restore and clone commands: output, one-line errors and exit codes.</summary>
[Collection(BackupEnvironmentCollection.Name)]
public sealed class BackupCliTests(TimescaleServerFixture server) : BackupTest(server)
{
    [Fact]
    public async Task Backup_prints_the_path_restore_refuses_the_live_database_and_clone_copies()
    {
        await LoadEveryTableAsync();
        var backup = await RunCliAsync("backup", "data", "trading.positions", "trading.position_trades", "--output", BackupDirectoryPath);
        Assert.True(backup.ExitCode == 0, backup.Error);
        var path = backup.Output.Trim();
        var manifest = BackupDirectory.Read(path).Manifest;
        Assert.Equal(BackupKind.Data, manifest.Kind);
        Assert.Equal(["trading.position_trades", "trading.positions"], manifest.Tables.Select(t => t.Name).Order());
        Assert.Equal(2L, manifest.Tables.Single(t => t.Name == "trading.positions").Rows);

        var full = await RunCliAsync("backup", "full", "--output", BackupDirectoryPath, "--json");
        Assert.True(full.ExitCode == 0, full.Error);
        var fullPath = (string)JsonNode.Parse(full.Output)!["path"]!;

        var refused = await RunCliAsync("restore", "full", fullPath);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(string.Empty, refused.Output);
        Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.Contains($"database {Database.Name} already holds the trading schema", refused.Error, StringComparison.Ordinal);

        var wrongKind = await RunCliAsync("restore", "full", path, "--target-database", NewDatabaseName("kind"), "--create");
        Assert.Equal(1, wrongKind.ExitCode);
        Assert.Contains("is a data backup", wrongKind.Error, StringComparison.Ordinal);

        var target = NewDatabaseName("cliclone");
        var clone = await RunCliAsync("clone", Database.Name, target, "--directory", BackupDirectoryPath, "--json");
        Assert.True(clone.ExitCode == 0, clone.Error);
        Assert.Equal(target, (string?)JsonNode.Parse(clone.Output)!["target"]);
        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
    }

    [Fact]
    public async Task Backup_without_a_directory_names_the_option_and_the_variable()
    {
        var saved = Environment.GetEnvironmentVariable("BACKUP_DIR");
        Environment.SetEnvironmentVariable("BACKUP_DIR", null);
        (int ExitCode, string Output, string Error) result;
        try
        {
            result = await RunCliAsync("backup", "full");
        }
        finally
        {
            Environment.SetEnvironmentVariable("BACKUP_DIR", saved);
        }

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--output", result.Error, StringComparison.Ordinal);
        Assert.Contains("BACKUP_DIR", result.Error, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--connection", Database.ConnectionString]);
}
