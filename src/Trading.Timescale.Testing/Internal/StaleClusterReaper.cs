namespace Trading.Timescale.Testing.Internal;

/// <summary>
/// Removes local clusters whose owning process is gone (a crashed or killed test run): stops the server with an
/// immediate shutdown and deletes the directory. Directories without an owner file are removed after an hour.
/// Only this installation's binaries run, and only when the owner file names that installation (never the binaries an
/// owner file names); only a process proven to be the directory's postmaster is stopped.
/// </summary>
internal static class StaleClusterReaper
{
    private static readonly TimeSpan UnmarkedGrace = TimeSpan.FromHours(1);

    /// <summary>Reaps stale clusters under <paramref name="root"/>; returns the directories it removed.</summary>
    public static IReadOnlyList<string> Reap(string root, OsCommand command, PostgresInstallation installation)
    {
        var reaped = new List<string>();
        string[] directories;
        try
        {
            directories = Directory.GetDirectories(root);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return reaped;
        }

        foreach (var directory in directories)
        {
            var marker = ClusterMarker.TryRead(directory);
            if (marker is null)
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(directory) < UnmarkedGrace)
                {
                    continue;
                }
            }
            else if (marker.OwnerIsAlive())
            {
                continue;
            }

            var ownBinaries = marker?.BinDirectory is { } bin && PostgresInstallation.SamePath(bin, installation.BinDirectory);
            LocalCluster.Teardown(directory, installation, ownBinaries, command, fast: false);
            if (!Directory.Exists(directory))
            {
                reaped.Add(directory);
            }
        }

        return reaped;
    }
}
