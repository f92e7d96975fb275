namespace Trading.Timescale.Testing.Internal;

/// <summary>
/// Removes local clusters whose owning process is gone (a crashed or killed test run): stops the server with an
/// immediate shutdown and deletes the directory. Directories without an owner file are removed after an hour.
/// </summary>
internal static class StaleClusterReaper
{
    private static readonly TimeSpan UnmarkedGrace = TimeSpan.FromHours(1);

    /// <summary>Reaps stale clusters under <paramref name="root"/>; returns the directories it removed.</summary>
    public static IReadOnlyList<string> Reap(string root, string serviceUser)
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

        var command = OsCommand.ForServer(serviceUser);
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

            LocalCluster.Teardown(directory, marker?.BinDirectory, command, fast: false);
            if (!Directory.Exists(directory))
            {
                reaped.Add(directory);
            }
        }

        return reaped;
    }
}
