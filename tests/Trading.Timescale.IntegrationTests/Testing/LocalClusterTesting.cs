using System.Diagnostics;
using System.Security.Cryptography;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>Shared set-up for tests that start their own local clusters.</summary>
internal static class LocalClusterTesting
{
    /// <summary>The PostgreSQL installation the local cluster strategy would use; skips the test when there is none.</summary>
    public static PostgresInstallation InstallationOrSkip()
    {
        Assert.SkipUnless(OsProcesses.Available, "These checks read the Linux process table (/proc), which this OS does not have.");
        try
        {
            return PostgresInstallation.Find(null);
        }
        catch (InvalidOperationException ex)
        {
            Assert.Skip($"The local cluster strategy cannot run on this machine: {ex.Message} Run scripts/ensure-timescaledb.sh.");
            throw;
        }
    }

    /// <summary>Options that only try a local cluster (the environment and Docker are ignored).</summary>
    public static TimescaleTestServerOptions LocalOnly(string? clusterRoot = null) => new()
    {
        ConnectionStringVariable = null,
        UseContainer = false,
        ClusterRoot = clusterRoot,
    };

    /// <summary>
    /// A fresh cluster root of its own inside the default root, marked as this process's, so that if this test
    /// process is killed the next start removes it like any abandoned cluster directory.
    /// </summary>
    public static string NewClusterRoot(PostgresInstallation installation)
    {
        var command = OsCommand.ForServer("postgres");
        var root = ClusterRoot.Prepare(Path.Combine(ClusterRoot.Prepare(LocalCluster.DefaultRoot(), command), "test-" + RandomNumberGenerator.GetHexString(8, lowercase: true)), command);
        ClusterMarker.ForCurrentProcess(installation.BinDirectory).Write(root);
        return root;
    }

    public static TimescaleEdition ExpectedEdition(PostgresInstallation installation) =>
        installation.HasTimescaleTslModule ? TimescaleEdition.Community : TimescaleEdition.Apache;

    /// <summary>The id of a process that has certainly exited.</summary>
    public static async Task<int> DeadProcessIdAsync(CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 0"]) { UseShellExecute = false })!;
        await process.WaitForExitAsync(cancellationToken);
        return process.Id;
    }

    public static void DeleteRoot(string root)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
