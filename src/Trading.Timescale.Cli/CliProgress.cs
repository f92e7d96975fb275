using System.Diagnostics;
using Trading.Timescale.Export;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli;

/// <summary>One rewritten status line on standard error, only when it is a terminal and the output is not JSON.</summary>
internal sealed class CliProgress : IProgress<BackupProgress>, IProgress<ExportProgress>, IDisposable
{
    private readonly TextWriter _writer;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly object _gate = new();
    private bool _written;

    private CliProgress(TextWriter writer) => _writer = writer;

    /// <summary>A progress line for a terminal, else <see langword="null"/> (no progress at all).</summary>
    public static CliProgress? For(CliContext context) =>
        !context.Json && ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected ? new CliProgress(context.Error) : null;

    public void Report(BackupProgress value)
    {
        lock (_gate)
        {
            var last = value.Total is { } total && value.Completed >= total;
            if (!last && _sinceLast.ElapsedMilliseconds < 250)
            {
                return;
            }

            _sinceLast.Restart();
            var amount = value.Stage is BackupStage.Restoring
                ? $"{value.Completed}/{value.Total} items"
                : value.Total is { } size ? $"{CliFormat.Bytes(value.Completed)} of {CliFormat.Bytes(size)}" : CliFormat.Bytes(value.Completed);
            Write($"{value.Stage.ToString().ToLowerInvariant()} {amount} {value.Item}");
        }
    }

    public void Report(ExportProgress value)
    {
        lock (_gate)
        {
            if (_sinceLast.ElapsedMilliseconds < 250)
            {
                return;
            }

            _sinceLast.Restart();
            Write($"exporting {value.Rows:N0} rows, {value.Files} file(s) done, {value.Partition}");
        }
    }

    private void Write(string line)
    {
        _writer.Write("\r" + (line.Length > 100 ? line[..100] : line.PadRight(100)));
        _written = true;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_written)
            {
                _writer.Write("\r" + new string(' ', 100) + "\r");
                _written = false;
            }
        }
    }
}
