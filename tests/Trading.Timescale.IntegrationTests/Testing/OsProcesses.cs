using System.Globalization;

namespace Trading.Timescale.IntegrationTests.Testing;

/// <summary>Reads the Linux process table (/proc) to prove that no server process is left behind.</summary>
internal static class OsProcesses
{
    public static bool Available => Directory.Exists("/proc/self");

    /// <summary>Whether <paramref name="pid"/> is a live (not zombie) postgres process.</summary>
    public static bool IsLivePostgres(int pid)
    {
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.Command == "postgres" && stat.Value.State != 'Z';
    }

    public static IReadOnlyList<int> LiveChildrenOf(int parentPid) =>
        AllPids().Where(pid => ReadStat(pid) is { } stat && stat.ParentPid == parentPid && stat.State != 'Z').ToList();

    /// <summary>Live processes whose command line contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> WithCommandLineContaining(string text) =>
        AllPids()
            .Where(pid => pid != Environment.ProcessId && ReadStat(pid) is { State: not 'Z' })
            .Select(pid => (Pid: pid, CommandLine: ReadCommandLine(pid)))
            .Where(p => p.CommandLine.Contains(text, StringComparison.Ordinal))
            .Select(p => $"{p.Pid}: {p.CommandLine}")
            .ToList();

    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static (string Command, char State, int ParentPid)? ReadStat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var rest = stat[(close + 2)..].Split(' ');
            return (stat[(open + 1)..close], rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
