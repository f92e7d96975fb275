using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Trading.Timescale.Live;

namespace Trading.Timescale.Cli.Commands;

/// <summary>
/// <c>trading-timescale watch bars SYMBOL... --interval 1m</c> and <c>trading-timescale watch signals [--min-confidence X]</c>:
/// one line per new bar or signal (one JSON object per line with <c>--json</c>) until Ctrl+C, from the moment the watch
/// starts. A server restart only pauses it: the subscription reconnects and goes on from its position.
/// </summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var command = new Command("watch", "Prints new bars or signals as they are written, by any tool, until Ctrl+C.");
        command.Subcommands.Add(Bars());
        command.Subcommands.Add(Signals());
        return command;
    }

    private static Command Bars()
    {
        var symbols = new Argument<string[]>("symbols") { Description = "The tickers, e.g. AAPL MSFT.", Arity = ArgumentArity.OneOrMore };
        var interval = QueryArguments.Interval();
        var command = new Command("bars", "Prints each bar of the symbols once it is complete (a row of a later bucket arrived), in time order per symbol.");
        command.Arguments.Add(symbols);
        command.Options.Add(interval);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var width = QueryArguments.ParseInterval(context.ParseResult.GetValue(interval)!);
            if (context.ParseResult.GetValue(symbols)!.FirstOrDefault(s => s.StartsWith('-')) is { } option)
            {
                throw new CliException($"'{option}' is not a symbol nor an option of watch bars: run 'trading-timescale watch bars --help' for usage.");
            }

            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            return await UntilCancelledAsync(
                database.Live.Bars(context.ParseResult.GetValue(symbols)!, width, cancellationToken: cancellationToken),
                bar => context.Json
                    ? new JsonObject
                    {
                        ["symbol"] = bar.Symbol,
                        ["timestamp"] = CliFormat.Iso(bar.Bucket),
                        ["open"] = QueryArguments.Json(bar.Open),
                        ["high"] = QueryArguments.Json(bar.High),
                        ["low"] = QueryArguments.Json(bar.Low),
                        ["close"] = QueryArguments.Json(bar.Close),
                        ["volume"] = QueryArguments.Json(bar.Volume),
                    }.ToJsonString()
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"{bar.Symbol} {CliFormat.Iso(bar.Bucket)} open {QueryArguments.Number(bar.Open)} high {QueryArguments.Number(bar.High)} low {QueryArguments.Number(bar.Low)} close {QueryArguments.Number(bar.Close)} volume {QueryArguments.Number(bar.Volume)}"),
                context.Output,
                cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Signals()
    {
        var minConfidence = new Option<decimal?>("--min-confidence") { Description = "Only signals with at least this confidence (0 to 1)." };
        var command = new Command("signals", "Prints each new signal once, in (timestamp, id) order.");
        command.Options.Add(minConfidence);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var minimum = context.ParseResult.GetValue(minConfidence);
            if (minimum is < 0m or > 1m)
            {
                throw new CliException($"--min-confidence {minimum} is outside 0 to 1.");
            }

            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            return await UntilCancelledAsync(
                database.Live.Signals(new LiveSignalFilter { MinimumConfidence = minimum }, cancellationToken),
                signal => context.Json
                    ? new JsonObject
                    {
                        ["id"] = signal.Id,
                        ["symbol"] = signal.Symbol,
                        ["timestamp"] = CliFormat.Iso(signal.Timestamp),
                        ["signalType"] = signal.SignalType.ToString().ToUpperInvariant(),
                        ["confidence"] = signal.Confidence,
                        ["targetPrice"] = QueryArguments.Json(signal.TargetPrice),
                        ["stopLoss"] = QueryArguments.Json(signal.StopLoss),
                        ["modelVersion"] = signal.ModelVersion,
                    }.ToJsonString()
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"{CliFormat.Iso(signal.Timestamp)} {signal.Symbol} {signal.SignalType.ToString().ToUpperInvariant()} confidence {signal.Confidence} model {signal.ModelVersion ?? "-"} id {signal.Id}"),
                context.Output,
                cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Writes one line per item until cancelled (Ctrl+C), which ends the watch with exit code 0.</summary>
    private static async Task<int> UntilCancelledAsync<T>(IAsyncEnumerable<T> items, Func<T, string> line, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in items.ConfigureAwait(false))
            {
                await output.WriteLineAsync(line(item)).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
    }
}
