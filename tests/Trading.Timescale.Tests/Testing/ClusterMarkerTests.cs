using System.Diagnostics;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.Tests.Testing;

public sealed class ClusterMarkerTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tt-marker-");

    [Fact]
    public void The_marker_of_this_process_reads_back_and_its_owner_is_alive()
    {
        ClusterMarker.ForCurrentProcess("/usr/lib/postgresql/15/bin").Write(_directory.FullName);

        var marker = Assert.IsType<ClusterMarker>(ClusterMarker.TryRead(_directory.FullName));
        Assert.Equal(Environment.ProcessId, marker.OwnerProcessId);
        Assert.Equal("/usr/lib/postgresql/15/bin", marker.BinDirectory);
        Assert.NotNull(marker.OwnerStartedUtc);
        Assert.True(marker.OwnerIsAlive());
    }

    [Fact]
    public async Task A_marker_naming_an_exited_process_has_a_dead_owner()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 0"]) { UseShellExecute = false })!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.False(new ClusterMarker(process.Id, null, null).OwnerIsAlive());
    }

    [Fact]
    public void A_live_process_with_another_start_time_is_a_reused_pid_not_the_owner()
    {
        var reused = new ClusterMarker(Environment.ProcessId, DateTime.UtcNow.AddDays(-3), null);
        Assert.False(reused.OwnerIsAlive());
    }

    [Fact]
    public void A_missing_or_garbled_marker_reads_as_none()
    {
        Assert.Null(ClusterMarker.TryRead(_directory.FullName));
        File.WriteAllText(Path.Combine(_directory.FullName, ClusterMarker.FileName), "pid=abc\n");
        Assert.Null(ClusterMarker.TryRead(_directory.FullName));
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
