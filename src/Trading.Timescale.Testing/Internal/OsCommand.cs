using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Trading.Timescale.Testing.Internal;

/// <summary>The outcome of a finished command.</summary>
internal sealed record OsCommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs PostgreSQL's command-line tools, as another OS user when this process is root
/// (initdb and pg_ctl refuse to run as root): through <c>runuser -u USER --</c>, else <c>su USER -c</c>.
/// </summary>
internal sealed class OsCommand
{
    private static readonly string[] RunuserLocations = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"];

    private OsCommand(string? runAsUser) => RunAsUser = runAsUser;

    /// <summary>The OS user commands run as, or <see langword="null"/> for the current user.</summary>
    public string? RunAsUser { get; }

    /// <summary>Commands as the current user.</summary>
    public static OsCommand Direct { get; } = new(null);

    public static bool IsRoot => !OperatingSystem.IsWindows() && string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    /// <summary>Commands as the current user, or as <paramref name="serviceUser"/> when this process is root.</summary>
    public static OsCommand ForServer(string serviceUser) => new(IsRoot ? serviceUser : null);

    public static string? FindOnPath(string fileName)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Quotes <paramref name="value"/> for a POSIX shell.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Builds the start info for <paramref name="executable"/> with <paramref name="arguments"/> as <see cref="RunAsUser"/>.</summary>
    public ProcessStartInfo CreateStartInfo(string executable, IReadOnlyList<string> arguments, string? workingDirectory)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        if (RunAsUser is null)
        {
            info.FileName = executable;
            AddAll(info, arguments);
            return info;
        }

        var runuser = Array.Find(RunuserLocations, File.Exists) ?? FindOnPath("runuser");
        if (runuser is not null)
        {
            info.FileName = runuser;
            AddAll(info, ["-u", RunAsUser, "--", executable]);
            AddAll(info, arguments);
            return info;
        }

        var command = new StringBuilder(ShellQuote(executable));
        foreach (var argument in arguments)
        {
            command.Append(' ').Append(ShellQuote(argument));
        }

        info.FileName = File.Exists("/bin/su") ? "/bin/su" : "su";
        AddAll(info, [RunAsUser, "-s", "/bin/sh", "-c", command.ToString()]);
        return info;
    }

    /// <summary>Runs a command to its end and returns its exit code and combined output.</summary>
    /// <exception cref="TimeoutException">The command did not finish within <paramref name="timeout"/>; it was killed.</exception>
    public async Task<OsCommandResult> RunAsync(
        string executable, IReadOnlyList<string> arguments, string? workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = CreateStartInfo(executable, arguments, workingDirectory) };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(executable)} did not finish within {timeout.TotalSeconds:0} s. Output: {Snapshot(output)}"));
        }

        return new OsCommandResult(process.ExitCode, Snapshot(output));
    }

    /// <summary>Runs a command synchronously (for process-exit cleanup); never throws.</summary>
    public OsCommandResult RunNow(string executable, IReadOnlyList<string> arguments, string? workingDirectory, TimeSpan timeout)
    {
        try
        {
            using var process = new Process { StartInfo = CreateStartInfo(executable, arguments, workingDirectory) };
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                Kill(process);
                return new OsCommandResult(-1, Snapshot(output));
            }

            process.WaitForExit();
            return new OsCommandResult(process.ExitCode, Snapshot(output));
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new OsCommandResult(-1, ex.Message);
        }
    }

    private static void AddAll(ProcessStartInfo info, IEnumerable<string> arguments)
    {
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Trim();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
