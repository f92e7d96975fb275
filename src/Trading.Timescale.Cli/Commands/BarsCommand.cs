using System.CommandLine;
using System.Text.Json.Nodes;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale bars SYMBOL --interval 5m --from ISO --to ISO</c>: OHLCV bars of one symbol.</summary>
internal static class BarsCommand
{
    public static Command Create()
    {
        var symbol = new Argument<string>("symbol") { Description = "The ticker, e.g. AAPL." };
        var interval = QueryArguments.Interval();
        var from = QueryArguments.Instant("--from", "The first bar start included.");
        from.Required = true;
        var to = QueryArguments.Instant("--to", "The first bar start excluded.");
        to.Required = true;
        var command = new Command("bars", "OHLCV bars of a symbol: 1m, 5m, 1h and 1d read the aggregates, other widths are bucketed from the raw rows.");
        command.Arguments.Add(symbol);
        command.Options.Add(interval);
        command.Options.Add(from);
        command.Options.Add(to);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var width = QueryArguments.ParseInterval(context.ParseResult.GetValue(interval)!);
            var start = QueryArguments.ParseInstant(context.ParseResult.GetValue(from), "--from");
            var end = QueryArguments.ParseInstant(context.ParseResult.GetValue(to), "--to");
            if (start > end)
            {
                throw new CliException($"--to ({CliFormat.Iso(end)}) is before --from ({CliFormat.Iso(start)}).");
            }

            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var query = new TradingQueries(dataSource).Bars(context.ParseResult.GetValue(symbol)!, width).Between(start, end);
            var bars = await QueryArguments.RunAsync(query, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["symbol"] = context.ParseResult.GetValue(symbol),
                    ["interval"] = width.ToString(),
                    ["source"] = query.Source ?? "trading.stock_prices",
                    ["bars"] = new JsonArray([.. bars.Select(b => (JsonNode)new JsonObject
                    {
                        ["bucket"] = CliFormat.Iso(b.Bucket),
                        ["open"] = QueryArguments.Json(b.Open),
                        ["high"] = QueryArguments.Json(b.High),
                        ["low"] = QueryArguments.Json(b.Low),
                        ["close"] = QueryArguments.Json(b.Close),
                        ["volume"] = QueryArguments.Json(b.Volume),
                        ["vwap"] = QueryArguments.Json(b.Vwap),
                    })]),
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("BUCKET", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME", "VWAP");
            foreach (var b in bars)
            {
                table.Add(CliFormat.Time(b.Bucket), QueryArguments.Number(b.Open), QueryArguments.Number(b.High), QueryArguments.Number(b.Low),
                    QueryArguments.Number(b.Close), QueryArguments.Number(b.Volume), QueryArguments.Number(b.Vwap));
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"{bars.Count} bar(s) of {width} from {query.Source ?? "trading.stock_prices"}.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
