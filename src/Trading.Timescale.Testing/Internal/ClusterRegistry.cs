using System.Collections.Concurrent;

namespace Trading.Timescale.Testing.Internal;

/// <summary>The local clusters this process runs; they are stopped and deleted when the process exits.</summary>
internal static class ClusterRegistry
{
    private static readonly ConcurrentDictionary<LocalCluster, byte> Live = new();
    private static int _hooked;

    public static void Add(LocalCluster cluster)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            // Normal exit and Ctrl+C raise ProcessExit. A kill by signal does not: the watchdog covers that,
            // and the next start reaps what is still left.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        }

        Live.TryAdd(cluster, 0);
    }

    public static void Remove(LocalCluster cluster) => Live.TryRemove(cluster, out _);

    private static void StopAll()
    {
        foreach (var cluster in Live.Keys)
        {
            cluster.StopNow();
            Live.TryRemove(cluster, out _);
        }
    }
}
