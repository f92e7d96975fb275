using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Trading.Timescale.Testing.Internal;

/// <summary>
/// A small detached shell loop per local cluster: when this process dies without cleaning up (killed by a signal,
/// crashed), it stops the cluster and deletes its directory within about a second. It ends on its own once the
/// directory is gone.
/// </summary>
internal static class ClusterWatchdog
{
    /// <returns>The watchdog process, or <see langword="null"/> where there is no POSIX shell; the caller ends it after a normal stop.</returns>
    public static Process? Start(string clusterDirectory, PostgresInstallation installation, OsCommand command) =>
        Start(clusterDirectory, installation, command, Environment.ProcessId);

    /// <summary>Watches <paramref name="ownerProcessId"/> instead of this process.</summary>
    internal static Process? Start(string clusterDirectory, PostgresInstallation installation, OsCommand command, int ownerProcessId)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var dataDirectory = Path.Combine(clusterDirectory, "data");
        var stop = command.CreateStartInfo(installation.Tool("pg_ctl"), ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "15", "-s"], null);
        var stopCommand = new StringBuilder(OsCommand.ShellQuote(stop.FileName));
        foreach (var argument in stop.ArgumentList)
        {
            stopCommand.Append(' ').Append(OsCommand.ShellQuote(argument));
        }

        var directory = OsCommand.ShellQuote(clusterDirectory);
        var pidFile = OsCommand.ShellQuote(Path.Combine(dataDirectory, "postmaster.pid"));
        var script = string.Join('\n',
            "exec </dev/null >/dev/null 2>&1",
            "trap '' INT HUP",
            $"while kill -0 {ownerProcessId.ToString(CultureInfo.InvariantCulture)} && [ -d {directory} ]; do sleep 1; done",
            $"[ -d {directory} ] || exit 0",
            // Only the postmaster of this data directory, running this installation's postgres, is stopped or killed.
            $"ours() {{ [ \"$(readlink /proc/$1/exe 2>/dev/null)\" = {OsCommand.ShellQuote(installation.Tool("postgres"))} ] && [ \"$(readlink /proc/$1/cwd 2>/dev/null)\" = {OsCommand.ShellQuote(dataDirectory)} ]; }}",
            $"pid=$(head -n 1 {pidFile} 2>/dev/null) && ours \"$pid\" && {stopCommand}",
            "[ -n \"$pid\" ] && ours \"$pid\" && kill -9 \"$pid\"",
            $"rm -rf {directory}");

        var setsid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : OsCommand.FindOnPath("setsid");
        var info = new ProcessStartInfo
        {
            FileName = setsid ?? "/bin/sh",
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (setsid is not null)
        {
            info.ArgumentList.Add("/bin/sh");
        }

        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add("trading-timescale-watchdog");
        try
        {
            var process = Process.Start(info);
            process?.StandardInput.Close();
            return process;
        }
        catch (Win32Exception)
        {
            // No shell: the reaper on the next start still removes what a dead process leaves.
            return null;
        }
    }

    /// <summary>Ends a watchdog whose cluster was stopped normally.</summary>
    public static void Stop(Process? watchdog)
    {
        if (watchdog is null)
        {
            return;
        }

        try
        {
            if (!watchdog.HasExited)
            {
                watchdog.Kill();
                watchdog.WaitForExit(2000);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
        finally
        {
            watchdog.Dispose();
        }
    }
}
