using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Trading.Timescale.Testing.Internal;

/// <summary>
/// Proves that a PID is the postmaster of one data directory before anything stops or kills it: the
/// <c>postmaster.pid</c> names that directory, the process runs this installation's <c>postgres</c> binary, and its
/// working directory (or its <c>-D</c> argument) is that data directory. A reused PID or a planted file proves nothing.
/// Needs the Linux process table (<c>/proc</c>); elsewhere nothing is ever proven, so nothing is killed.
/// </summary>
internal static class PostmasterProcess
{
    /// <summary>The PID in <paramref name="dataDirectory"/>'s <c>postmaster.pid</c> when it is that directory's postmaster.</summary>
    public static int? FindVerified(string dataDirectory, PostgresInstallation installation)
    {
        var pidFile = ReadPidFile(dataDirectory);
        return pidFile is { } file && SamePath(file.DataDirectory, dataDirectory) && IsPostmasterOf(file.Pid, dataDirectory, installation)
            ? file.Pid
            : null;
    }

    /// <summary>The PID named by the <c>postmaster.pid</c> when that process is alive, whatever it is.</summary>
    public static int? FindLive(string dataDirectory) =>
        ReadPidFile(dataDirectory) is { } file && Directory.Exists($"/proc/{file.Pid.ToString(CultureInfo.InvariantCulture)}") ? file.Pid : null;

    public static bool IsPostmasterOf(int pid, string dataDirectory, PostgresInstallation installation)
    {
        if (pid <= 1 || !Directory.Exists("/proc/self"))
        {
            return false;
        }

        var proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        var exe = LinkTarget(proc + "/exe");
        if (exe is null || !SamePath(exe, Resolve(installation.Tool("postgres"))))
        {
            return false;
        }

        if (LinkTarget(proc + "/cwd") is { } cwd && SamePath(cwd, Resolve(dataDirectory)))
        {
            return true;
        }

        var arguments = ReadCommandLine(proc);
        var d = Array.IndexOf(arguments, "-D");
        return d >= 0 && d + 1 < arguments.Length && SamePath(arguments[d + 1], dataDirectory);
    }

    /// <summary>Kills <paramref name="pid"/> when it is still <paramref name="dataDirectory"/>'s postmaster.</summary>
    public static void KillIfPostmasterOf(int pid, string dataDirectory, PostgresInstallation installation)
    {
        if (!IsPostmasterOf(pid, dataDirectory, installation))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(5000);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Gone already.
        }
    }

    internal static (int Pid, string DataDirectory)? ReadPidFile(string dataDirectory)
    {
        try
        {
            var lines = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).Take(2).ToList();
            return lines.Count == 2 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? (pid, lines[1]) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? LinkTarget(string link)
    {
        try
        {
            return new FileInfo(link).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[] ReadCommandLine(string proc)
    {
        try
        {
            return File.ReadAllText(proc + "/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string Resolve(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
