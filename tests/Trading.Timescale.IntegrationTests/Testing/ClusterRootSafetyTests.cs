using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Trading.Timescale.Testing;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>Another local user can plant files in a shared temp directory; the local cluster strategy trusts none of them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterRootSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_owner_file_naming_foreign_binaries_never_runs_them()
    {
        var installation = LocalClusterTesting.InstallationOrSkip();
        var root = LocalClusterTesting.NewClusterRoot(installation);
        var foreign = WorldWritableDirectory();
        try
        {
            // A pg_ctl that only leaves a trace, named by the owner file of a "stale" cluster with a postmaster.pid.
            var trace = Path.Combine(foreign, "ran");
            var pgCtl = Path.Combine(foreign, "pg_ctl");
            await File.WriteAllTextAsync(pgCtl, $"#!/bin/sh\necho \"$@\" > {OsCommand.ShellQuote(trace)}\n", Ct);
            File.SetUnixFileMode(pgCtl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var planted = PlantCluster(root, await LocalClusterTesting.DeadProcessIdAsync(Ct), foreign);

            await using (await TimescaleTestServer.StartAsync(LocalClusterTesting.LocalOnly(root), Ct))
            {
                Assert.False(File.Exists(trace), $"the planted {pgCtl} ran: {(File.Exists(trace) ? File.ReadAllText(trace) : string.Empty)}");
                Assert.False(Directory.Exists(planted), $"{planted} (owner dead, no live server) should be reaped");
            }
        }
        finally
        {
            LocalClusterTesting.DeleteRoot(root);
            LocalClusterTesting.DeleteRoot(foreign);
        }
    }

    [Fact]
    public async Task A_postmaster_pid_naming_an_unrelated_live_process_leaves_that_process_running()
    {
        var installation = LocalClusterTesting.InstallationOrSkip();
        var root = LocalClusterTesting.NewClusterRoot(installation);
        var foreign = WorldWritableDirectory();
        Process? bystander = null;
        try
        {
            // An unrelated process that even calls itself postgres, as a reused PID or a planted file would name.
            var fake = Path.Combine(foreign, "postgres");
            File.Copy("/bin/sleep", fake);
            bystander = Process.Start(new ProcessStartInfo(fake, ["300"]) { UseShellExecute = false })!;
            var planted = PlantCluster(root, await LocalClusterTesting.DeadProcessIdAsync(Ct), installation.BinDirectory, bystander.Id);

            await using (await TimescaleTestServer.StartAsync(LocalClusterTesting.LocalOnly(root), Ct))
            {
                await Task.Delay(500, Ct);
                Assert.False(bystander.HasExited, $"the unrelated process {bystander.Id} named by {planted}/data/postmaster.pid was stopped");
                Assert.True(Directory.Exists(planted), "a directory whose postmaster.pid names a live process that is not its server is left alone");
            }
        }
        finally
        {
            if (bystander is { HasExited: false })
            {
                bystander.Kill();
            }

            bystander?.Dispose();
            LocalClusterTesting.DeleteRoot(root);
            LocalClusterTesting.DeleteRoot(foreign);
        }
    }

    [Fact]
    public async Task A_cluster_root_that_is_a_link_or_not_private_is_refused()
    {
        LocalClusterTesting.InstallationOrSkip();
        var target = WorldWritableDirectory();
        var link = Path.Combine(Path.GetTempPath(), "tt-link-" + RandomNumberGenerator.GetHexString(8, lowercase: true));
        var open = Path.Combine(Path.GetTempPath(), "tt-open-" + RandomNumberGenerator.GetHexString(8, lowercase: true));
        try
        {
            File.CreateSymbolicLink(link, target);
            Directory.CreateDirectory(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

            var linked = await Assert.ThrowsAsync<InvalidOperationException>(() => TimescaleTestServer.StartAsync(LocalClusterTesting.LocalOnly(link), Ct));
            Assert.Contains($"the cluster root {link} is a symbolic link, not a directory", linked.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(target));

            var shared = await Assert.ThrowsAsync<InvalidOperationException>(() => TimescaleTestServer.StartAsync(LocalClusterTesting.LocalOnly(open), Ct));
            Assert.Contains($"the cluster root {open} ", shared.Message, StringComparison.Ordinal);
            Assert.Contains("with mode 0700, so that no other user can plant files in it", shared.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(open));
        }
        finally
        {
            File.Delete(link);
            LocalClusterTesting.DeleteRoot(open);
            LocalClusterTesting.DeleteRoot(target);
        }
    }

    /// <summary>A directory anyone may use, as /tmp is: the server OS user can run and write what is in it.</summary>
    private static string WorldWritableDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tt-foreign-" + RandomNumberGenerator.GetHexString(8, lowercase: true));
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0x1FF);
        return directory;
    }

    /// <summary>A cluster directory whose owner is dead, with an owner file naming <paramref name="binDirectory"/> and a postmaster.pid.</summary>
    private static string PlantCluster(string root, int deadOwner, string binDirectory, int? postmasterPid = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, RandomNumberGenerator.GetHexString(12, lowercase: true))).FullName;
        var data = Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
        var pid = postmasterPid ?? deadOwner;
        File.WriteAllLines(Path.Combine(data, "postmaster.pid"), [pid.ToString(CultureInfo.InvariantCulture), data, "1700000000", "5432"]);
        new ClusterMarker(deadOwner, DateTime.UtcNow.AddMinutes(-5), binDirectory).Write(directory);
        return directory;
    }
}
