using System.Diagnostics;
using System.Globalization;

namespace Trading.Timescale.Testing.Internal;

/// <summary>
/// The owner file in each local cluster directory: which process started the cluster (PID and start time,
/// so a reused PID is not mistaken for the owner) and which binaries can stop it.
/// </summary>
internal sealed record ClusterMarker(int OwnerProcessId, DateTime? OwnerStartedUtc, string? BinDirectory)
{
    public const string FileName = "owner";

    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

    public static ClusterMarker ForCurrentProcess(string binDirectory) =>
        new(Environment.ProcessId, TryGetStartTime(Environment.ProcessId), binDirectory);

    public void Write(string clusterDirectory)
    {
        var lines = new List<string> { $"pid={OwnerProcessId.ToString(CultureInfo.InvariantCulture)}" };
        if (OwnerStartedUtc is { } started)
        {
            lines.Add($"started={started.ToString("O", CultureInfo.InvariantCulture)}");
        }

        if (BinDirectory is not null)
        {
            lines.Add($"bin={BinDirectory}");
        }

        File.WriteAllLines(Path.Combine(clusterDirectory, FileName), lines);
    }

    public static ClusterMarker? TryRead(string clusterDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(clusterDirectory, FileName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var values = lines
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
        if (!values.TryGetValue("pid", out var pidText) ||
            !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        DateTime? started = values.TryGetValue("started", out var startedText) &&
            DateTime.TryParse(startedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
                ? parsed.ToUniversalTime()
                : null;
        return new ClusterMarker(pid, started, values.GetValueOrDefault("bin"));
    }

    /// <summary>Whether the owning process still runs (same PID and, when recorded, same start time).</summary>
    public bool OwnerIsAlive()
    {
        try
        {
            using var process = Process.GetProcessById(OwnerProcessId);
            if (process.HasExited)
            {
                return false;
            }

            var actual = TryGetStartTime(process);
            return OwnerStartedUtc is null || actual is null || (actual.Value - OwnerStartedUtc.Value).Duration() <= StartTimeTolerance;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static DateTime? TryGetStartTime(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return TryGetStartTime(process);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static DateTime? TryGetStartTime(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
