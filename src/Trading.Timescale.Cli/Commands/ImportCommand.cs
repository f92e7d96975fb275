using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale import TABLE --file PATH|-</c>: loads a CSV file into a trading table.</summary>
internal static class ImportCommand
{
    /// <summary>The import finished; rows may have been rejected under <c>--on-invalid skip</c>.</summary>
    public const int Succeeded = 0;

    /// <summary>The import failed: connection, database, unreadable file or malformed CSV.</summary>
    public const int Failed = 1;

    /// <summary>An invalid row rejected the import under <c>--on-invalid reject</c>.</summary>
    public const int Rejected = 2;

    /// <summary>The default of <c>--retry-time</c>: an import facing a crashed server fails within seconds.</summary>
    private const double DefaultRetrySeconds = 5;

    private static readonly string[] TableNames = [.. Enum.GetValues<IngestTable>().Select(TradingCsv.TableName)];

    internal static Command Create()
    {
        var table = new Argument<string>("table")
        {
            Description = "The table: " + string.Join(", ", TableNames) + ".",
        };
        table.AcceptOnlyFromAmong(TableNames);
        var file = new Option<string>("--file", "-f")
        {
            Description = "The CSV file, or - for standard input. The header row names the table's columns.",
            Required = true,
        };
        var mode = new Option<string>("--mode")
        {
            Description = "append: binary COPY (a key that exists fails). upsert: insert or update by natural key.",
            DefaultValueFactory = _ => "append",
        };
        mode.AcceptOnlyFromAmong("append", "upsert");
        var onInvalid = new Option<string>("--on-invalid")
        {
            Description = "reject: the first invalid row fails the import and nothing is written. skip: invalid rows are left out and reported.",
            DefaultValueFactory = _ => "reject",
        };
        onInvalid.AcceptOnlyFromAmong("reject", "skip");
        var rejects = new Option<string?>("--rejects")
        {
            Description = "With --on-invalid skip: write the rejected rows and their reasons to this CSV file as they are rejected (created before the import starts).",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Rows per batch.",
            DefaultValueFactory = _ => IngestOptions.DefaultBatchSize,
        };
        var perBatch = new Option<bool>("--commit-per-batch")
        {
            Description = "Commit each batch: a failure keeps the batches before it. By default the import is one transaction.",
        };
        var retryTime = new Option<double>("--retry-time")
        {
            Description = "Seconds a batch is retried after a lost connection or server restart (only a batch that is the whole of its transaction can be); 0 never retries.",
            DefaultValueFactory = _ => DefaultRetrySeconds,
        };
        var command = new Command("import", "Import a CSV file into a trading table, validating every row.")
        {
            table, file, mode, onInvalid, rejects, batchSize, perBatch, retryTime,
        };
        command.SetAction(CliContext.Action((context, cancellationToken) =>
        {
            var parse = context.ParseResult;
            if (parse.GetValue(file) == "-" && parse.GetValue(CliOptions.ConnectionFile) == "-")
            {
                throw new CliException("--file - and --connection-file - cannot both read standard input: put the connection string in a file.");
            }

            var request = new Request(
                TradingCsv.TryParseTable(parse.GetValue(table)!, out var id) ? id : throw new CliException($"unknown table '{parse.GetValue(table)}'."),
                parse.GetValue(file)!,
                parse.GetValue(mode) == "upsert" ? IngestMode.Upsert : IngestMode.Append,
                parse.GetValue(onInvalid) == "skip" ? InvalidRowHandling.Skip : InvalidRowHandling.Reject,
                parse.GetValue(rejects),
                parse.GetValue(batchSize),
                parse.GetValue(perBatch),
                parse.GetValue(retryTime) is var seconds && seconds >= 0 && seconds <= 3_600
                    ? TimeSpan.FromSeconds(seconds)
                    : throw new CliException($"--retry-time {seconds.ToString(CultureInfo.InvariantCulture)} is out of range: use 0 (never retry) to 3600 seconds."));
            return RunAsync(context, request, cancellationToken);
        }));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, Request request, CancellationToken cancellationToken)
    {
        if (request.RejectsPath is not null && request.InvalidRows != InvalidRowHandling.Skip)
        {
            throw new CliException("--rejects needs --on-invalid skip: under reject, the first invalid row fails the import.");
        }

        var connectionString = context.ConnectionString();
        var options = IngestOptions.Default with
        {
            BatchSize = request.BatchSize,
            InvalidRows = request.InvalidRows,
            TransactionMode = request.CommitPerBatch ? IngestTransactionMode.TransactionPerBatch : IngestTransactionMode.SingleTransaction,
        };
        Stream input;
        try
        {
            input = request.File == "-"
                ? CliContext.OpenStandardInputStream()
                : new FileStream(request.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"--file {request.File} cannot be read: {ex.Message} Nothing was imported.", ex);
        }

        IngestRejectsWriter? rejectsWriter = null;
        if (request.RejectsPath is not null)
        {
            try
            {
                rejectsWriter = await IngestRejectsWriter.CreateAsync(request.Table, request.RejectsPath, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await input.DisposeAsync().ConfigureAwait(false);
                throw new CliException($"--rejects {request.RejectsPath} cannot be written: {ex.Message} Nothing was imported.", ex);
            }

            options = options with { OnRejectedRow = rejectsWriter.WriteAsync };
        }

        await using (input.ConfigureAwait(false))
        await using ((rejectsWriter ?? (IAsyncDisposable)NoRejects.Instance).ConfigureAwait(false))
        {
            var database = TradingDatabase.Create(connectionString, o => o.Retry.MaxRetryTime = request.RetryTime);
            await using (database.ConfigureAwait(false))
            {
                IngestResult result;
                try
                {
                    result = await database.Ingest.ImportCsvAsync(request.Table, input, request.Mode, options, cancellationToken).ConfigureAwait(false);
                }
                catch (IngestValidationException ex)
                {
                    throw await FailureAsync(context, request, ex.Progress, $"import rejected: {ex.Message}", Rejected, ex).ConfigureAwait(false);
                }
                catch (TradingIngestException ex)
                {
                    throw await FailureAsync(context, request, ex.Progress, $"import failed: {ex.Message}", Failed, ex).ConfigureAwait(false);
                }
                catch (ArgumentException ex)
                {
                    throw new CliException($"import failed: {ex.Message}", ex);
                }

                await ReportAsync(context, request, result).ConfigureAwait(false);
                return Succeeded;
            }
        }
    }

    private static async Task ReportAsync(CliContext context, Request request, IngestResult result)
    {
        var (output, error) = (context.Output, context.Error);
        if (context.Json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                table = result.Table,
                mode = request.Mode.ToString().ToLowerInvariant(),
                rowsRead = result.RowsRead,
                rowsWritten = result.RowsWritten,
                rowsChanged = result.RowsChanged,
                rowsRejected = result.RowsRejected,
                batches = result.Batches,
                latestRowsChanged = result.LatestRowsChanged,
                retries = result.Retries,
                rejectsFile = request.RejectsPath,
                elapsedSeconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            })).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{result.Table}: read {result.RowsRead:N0} rows, wrote {result.RowsWritten:N0}, rejected {result.RowsRejected:N0} ({request.Mode.ToString().ToLowerInvariant()}, {result.Batches:N0} {(result.Batches == 1 ? "batch" : "batches")}{(result.Retries > 0 ? $", {result.Retries:N0} retried after a transient failure" : string.Empty)}, {result.Elapsed.TotalSeconds:0.0} s)")).ConfigureAwait(false);
            if (request.RejectsPath is not null && result.RowsRejected > 0)
            {
                await output.WriteLineAsync($"Rejected rows and reasons: {request.RejectsPath}").ConfigureAwait(false);
            }
        }

        if (request.RejectsPath is null)
        {
            foreach (var rejected in result.Rejected.Take(20))
            {
                await error.WriteLineAsync("trading-timescale: rejected " + CliContext.Flatten(rejected.Message)).ConfigureAwait(false);
            }

            if (result.RowsRejected > 20)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"trading-timescale: ... and {result.RowsRejected - 20:N0} more rejected rows; pass --rejects PATH to keep them all.")).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes the JSON summary of a failed import (with --json) and returns the error for the common error line.</summary>
    private static async Task<CliException> FailureAsync(CliContext context, Request request, IngestProgress progress, string message, int exitCode, Exception cause)
    {
        if (context.Json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                table = "trading." + TradingCsv.TableName(request.Table),
                mode = request.Mode.ToString().ToLowerInvariant(),
                rowsRead = progress.RowsRead,
                rowsWritten = progress.RowsCommitted,
                rowsRejected = progress.RowsRejected,
                batches = progress.BatchesCommitted,
                error = message,
            })).ConfigureAwait(false);
        }

        return new CliException(message, cause) { ExitCode = exitCode };
    }

    private sealed class NoRejects : IAsyncDisposable
    {
        public static readonly NoRejects Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed record Request(
        IngestTable Table,
        string File,
        IngestMode Mode,
        InvalidRowHandling InvalidRows,
        string? RejectsPath,
        int BatchSize,
        bool CommitPerBatch,
        TimeSpan RetryTime);
}
