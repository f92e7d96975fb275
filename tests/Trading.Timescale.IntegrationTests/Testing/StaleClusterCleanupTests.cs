using System.Diagnostics;
using Npgsql;
using Trading.Timescale.Testing;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>What a crashed or killed test run leaves behind is stopped and deleted.</summary>
public sealed class StaleClusterCleanupTests
{
    [Fact]
    public async Task The_next_start_reaps_clusters_whose_owner_process_died_and_keeps_live_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var installation = LocalClusterTesting.InstallationOrSkip();
        var root = LocalClusterTesting.NewClusterRoot(installation);
        var options = LocalClusterTesting.LocalOnly(root);
        try
        {
            // A running cluster whose owner is dead: what a test process killed with SIGKILL leaves.
            var stale = await TimescaleTestServer.StartAsync(options, ct);
            var staleCluster = Assert.IsType<LocalCluster>(stale.LocalCluster);
            var staleDirectory = staleCluster.ClusterDirectory;
            var stalePostmaster = Assert.NotNull(LocalCluster.ReadPostmasterPid(staleCluster.DataDirectory));
            var deadPid = await LocalClusterTesting.DeadProcessIdAsync(ct);
            new ClusterMarker(deadPid, DateTime.UtcNow.AddMinutes(-5), installation.BinDirectory).Write(staleDirectory);

            // A directory whose owner died before initdb, and one that belongs to this (live) process.
            var unfinished = Directory.CreateDirectory(Path.Combine(root, "0000dead0000")).FullName;
            new ClusterMarker(deadPid, null, installation.BinDirectory).Write(unfinished);
            var live = Directory.CreateDirectory(Path.Combine(root, "00001ive0000")).FullName;
            ClusterMarker.ForCurrentProcess(installation.BinDirectory).Write(live);

            await using (var fresh = await TimescaleTestServer.StartAsync(options, ct))
            {
                Assert.False(Directory.Exists(staleDirectory), $"{staleDirectory} should be reaped");
                Assert.False(Directory.Exists(unfinished), $"{unfinished} should be reaped");
                Assert.True(Directory.Exists(live), $"{live} belongs to a live process and must stay");
                Assert.False(OsProcesses.IsLivePostgres(stalePostmaster), $"stale postmaster {stalePostmaster} should be stopped");
                Assert.Empty(OsProcesses.LiveChildrenOf(stalePostmaster));

                await using var connection = new NpgsqlConnection(fresh.ConnectionString);
                await connection.OpenAsync(ct);
                Assert.NotEqual(staleCluster.Port, Assert.IsType<LocalCluster>(fresh.LocalCluster).Port);
            }

            Assert.True(
                await OsProcesses.WaitUntilAsync(() => OsProcesses.WithCommandLineContaining(staleDirectory).Count == 0, TimeSpan.FromSeconds(10), ct),
                "processes still name the reaped directory: " + string.Join("; ", OsProcesses.WithCommandLineContaining(staleDirectory)));

            // Disposing the server whose cluster was reaped is harmless.
            await stale.DisposeAsync();
            Assert.Equal([live], Directory.GetDirectories(root));
            Assert.Equal([Path.Combine(root, ClusterMarker.FileName)], Directory.GetFiles(root));
        }
        finally
        {
            LocalClusterTesting.DeleteRoot(root);
        }
    }

    [Fact]
    public async Task The_watchdog_stops_and_deletes_a_cluster_soon_after_its_owner_process_is_killed()
    {
        var ct = TestContext.Current.CancellationToken;
        var installation = LocalClusterTesting.InstallationOrSkip();
        var root = LocalClusterTesting.NewClusterRoot(installation);
        try
        {
            await using var server = await TimescaleTestServer.StartAsync(LocalClusterTesting.LocalOnly(root), ct);
            var cluster = Assert.IsType<LocalCluster>(server.LocalCluster);
            var postmaster = Assert.NotNull(LocalCluster.ReadPostmasterPid(cluster.DataDirectory));

            // A stand-in owner that is killed, as a test host killed by the runner would be.
            using var owner = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 60"]) { UseShellExecute = false })!;
            using var watchdog = ClusterWatchdog.Start(cluster.ClusterDirectory, installation, OsCommand.ForServer("postgres"), owner.Id);
            Assert.NotNull(watchdog);
            await Task.Delay(500, ct);
            Assert.True(Directory.Exists(cluster.ClusterDirectory), "the watchdog must wait while its owner lives");
            owner.Kill();
            await owner.WaitForExitAsync(ct);

            Assert.True(
                await OsProcesses.WaitUntilAsync(() => !Directory.Exists(cluster.ClusterDirectory), TimeSpan.FromSeconds(20), ct),
                $"{cluster.ClusterDirectory} should be deleted by the watchdog");
            Assert.False(OsProcesses.IsLivePostgres(postmaster), $"postmaster {postmaster} should be stopped");
            Assert.Empty(OsProcesses.LiveChildrenOf(postmaster));
        }
        finally
        {
            LocalClusterTesting.DeleteRoot(root);
        }
    }
}
