using System.Diagnostics;
using System.Text;

namespace Trading.Timescale.Operations.Internal;

/// <summary>Runs a PostgreSQL client program with the password in a PGPASSFILE, never on its command line.</summary>
internal static class PgProcess
{
    public sealed record Result(int ExitCode, string Output, string ErrorTail)
    {
        public bool Succeeded => ExitCode == 0;
    }

    /// <summary>
    /// Runs <paramref name="tool"/> and waits for it. Standard error lines go to <paramref name="onErrorLine"/>;
    /// cancellation kills the process and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<Result> RunAsync(
        PgTool tool,
        IEnumerable<string> arguments,
        PgConnection? connection,
        CancellationToken cancellationToken,
        Action<string>? onErrorLine = null,
        Func<Task>? whileRunning = null)
    {
        using var passFile = PgPassFile.Create(connection);
        var start = new ProcessStartInfo(tool.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var inheritedPassFile = Environment.GetEnvironmentVariable("PGPASSFILE");
        if (connection is null)
        {
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }
        }
        else
        {
            connection.ApplyEnvironment(start.Environment, passFile?.Path, inheritedPassFile);
        }

        using var process = new Process { StartInfo = start };
        var errors = new Queue<string>();
        var output = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (errors)
            {
                errors.Enqueue(e.Data);
                if (errors.Count > 20)
                {
                    errors.Dequeue();
                }
            }

            onErrorLine?.Invoke(e.Data);
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.Append(e.Data).Append('\n');
                }
            }
        };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new TradingBackupException($"{tool.Path} could not be started: {ex.Message}", ex);
        }

        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var monitor = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = whileRunning is null ? Task.CompletedTask : RunWatcherAsync(whileRunning, monitor.Token);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
        finally
        {
            await monitor.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }

        // The exit event can arrive before the last redirected lines.
        process.WaitForExit();
        lock (errors)
        {
            lock (output)
            {
                return new Result(process.ExitCode, output.ToString(), string.Join(" | ", errors.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(6)));
            }
        }
    }

    private static async Task RunWatcherAsync(Func<Task> tick, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await tick().ConfigureAwait(false);
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped with the process.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
