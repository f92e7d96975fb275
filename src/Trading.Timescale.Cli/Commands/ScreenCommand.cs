using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale screen --interval 5m [--as-of ISO] [--rsi-below N] [--rsi-above N]</c>: every symbol's last complete bar with its indicators.</summary>
internal static class ScreenCommand
{
    public static Command Create()
    {
        var interval = QueryArguments.Interval();
        var asOf = QueryArguments.Instant("--as-of", "The screen's instant: each symbol's last bar that ended at or before it (now by default).");
        var rsiBelow = new Option<double?>("--rsi-below") { Description = "Only symbols whose RSI-14 is below N (oversold: 30)." };
        var rsiAbove = new Option<double?>("--rsi-above") { Description = "Only symbols whose RSI-14 is above N (overbought: 70). With --rsi-below too, RSI lies between them." };
        var command = new Command("screen", "Every symbol's last complete bar with close, change, RSI-14, SMA-20, SMA-50, Bollinger(20, 2) %B and bandwidth, ATR-14 and relative volume (trading.screen).");
        command.Options.Add(interval);
        command.Options.Add(asOf);
        command.Options.Add(rsiBelow);
        command.Options.Add(rsiAbove);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var width = QueryArguments.ParseInterval(context.ParseResult.GetValue(interval)!);
            var instant = QueryArguments.ParseInstant(context.ParseResult.GetValue(asOf), "--as-of");
            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var query = new TradingQueries(dataSource).Screen(width);
            if (instant is { } at)
            {
                query = query.AsOf(at);
            }

            if (context.ParseResult.GetValue(rsiBelow) is { } below)
            {
                query = query.RsiBelow(Rsi(below, "--rsi-below"));
            }

            if (context.ParseResult.GetValue(rsiAbove) is { } above)
            {
                query = query.RsiAbove(Rsi(above, "--rsi-above"));
            }

            var rows = await QueryArguments.RunAsync(query, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                {
                    ["symbol"] = r.Symbol,
                    ["timestamp"] = CliFormat.Iso(r.Timestamp),
                    ["close"] = QueryArguments.Json(r.Close),
                    ["rsi14"] = QueryArguments.Json(r.Rsi14),
                    ["sma20"] = QueryArguments.Json(r.Sma20),
                    ["sma50"] = QueryArguments.Json(r.Sma50),
                    ["percentB"] = QueryArguments.Json(r.PercentB),
                    ["bandwidth"] = QueryArguments.Json(r.Bandwidth),
                    ["atr14"] = QueryArguments.Json(r.Atr14),
                    ["relativeVolume"] = QueryArguments.Json(r.RelativeVolume),
                })])).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("SYMBOL", "BAR", "CLOSE", "CHANGE%", "RSI14", "SMA20", "SMA50", "%B", "BANDWIDTH", "ATR14", "REL.VOLUME");
            foreach (var r in rows)
            {
                table.Add(r.Symbol, CliFormat.Time(r.Timestamp), QueryArguments.Number(r.Close), Fixed(r.ChangePercent), Fixed(r.Rsi14),
                    QueryArguments.Number(r.Sma20), QueryArguments.Number(r.Sma50), Fixed(r.PercentB), Fixed(r.Bandwidth, "0.####"),
                    QueryArguments.Number(r.Atr14), Fixed(r.RelativeVolume));
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"{rows.Count} symbol(s) on {width} bars.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static double Rsi(double value, string option) =>
        value is >= 0 and <= 100 ? value : throw new CliException($"{option} {value.ToString(CultureInfo.InvariantCulture)} is not an RSI: give a number from 0 to 100, such as 30.");

    private static string Fixed(double? value, string format = "0.00") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
