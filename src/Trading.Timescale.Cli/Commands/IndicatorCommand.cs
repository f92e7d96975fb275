using System.CommandLine;
using System.Text.Json.Nodes;
using NodaTime;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale indicator KIND SYMBOL --interval 5m [--period N] [--from] [--to]</c>: one of the SQL indicator functions.</summary>
internal static class IndicatorCommand
{
    private static readonly string[] Kinds = ["rsi", "bollinger", "sma", "ema", "macd", "atr", "vwap", "stochastic"];

    public static Command Create()
    {
        var kind = new Argument<string>("indicator") { Description = "The indicator: " + string.Join(", ", Kinds) + "." };
        kind.AcceptOnlyFromAmong(Kinds);
        var symbol = new Argument<string>("symbol") { Description = "The ticker, e.g. AAPL." };
        var interval = QueryArguments.Interval();
        var period = new Option<int?>("--period", "-p")
        {
            Description = $"The period in bars. Defaults: rsi {IndicatorDefaults.RsiPeriod}, bollinger {IndicatorDefaults.BollingerPeriod}, sma {IndicatorDefaults.MovingAveragePeriod}, " +
                $"ema {IndicatorDefaults.EmaPeriod}, atr {IndicatorDefaults.AtrPeriod}, stochastic {IndicatorDefaults.StochasticKPeriod} (%K; %D is {IndicatorDefaults.StochasticDPeriod}). " +
                $"macd is {IndicatorDefaults.MacdFastPeriod}/{IndicatorDefaults.MacdSlowPeriod}/{IndicatorDefaults.MacdSignalPeriod} and vwap has none.",
        };
        var from = QueryArguments.Instant("--from", "The first bar start included (the warm-up before it is read too).");
        var to = QueryArguments.Instant("--to", "The first bar start excluded.");
        var command = new Command("indicator", "A technical indicator from the trading.calculate_* functions, one row per bar.");
        command.Arguments.Add(kind);
        command.Arguments.Add(symbol);
        command.Options.Add(interval);
        command.Options.Add(period);
        command.Options.Add(from);
        command.Options.Add(to);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var name = context.ParseResult.GetValue(kind)!;
            var ticker = context.ParseResult.GetValue(symbol)!;
            var width = QueryArguments.ParseInterval(context.ParseResult.GetValue(interval)!);
            var start = QueryArguments.ParseInstant(context.ParseResult.GetValue(from), "--from");
            var end = QueryArguments.ParseInstant(context.ParseResult.GetValue(to), "--to");
            if (start > end)
            {
                throw new CliException($"--to ({CliFormat.Iso(end)}) is before --from ({CliFormat.Iso(start)}).");
            }

            var given = context.ParseResult.GetValue(period);
            if (given is <= 0)
            {
                throw new CliException($"--period {given} must be at least 1.");
            }

            if (given is not null && name is "macd" or "vwap")
            {
                throw new CliException($"--period does not apply to {name}: " + (name == "macd" ? "macd uses 12/26/9." : "vwap accumulates over each exchange session."));
            }

            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var queries = new TradingQueries(dataSource);
            var n = given ?? name switch
            {
                "rsi" => IndicatorDefaults.RsiPeriod,
                "bollinger" => IndicatorDefaults.BollingerPeriod,
                "sma" => IndicatorDefaults.MovingAveragePeriod,
                "ema" => IndicatorDefaults.EmaPeriod,
                "atr" => IndicatorDefaults.AtrPeriod,
                _ => IndicatorDefaults.StochasticKPeriod,
            };
            var result = await (name switch
            {
                "rsi" => Run(queries.Rsi(ticker, width, n), p => (p.Timestamp, p.ClosePrice, [("rsi", p.Rsi)])),
                "bollinger" => Run(queries.BollingerBands(ticker, width, n), p => (p.Timestamp, p.ClosePrice, [("middle", p.MiddleBand), ("upper", p.UpperBand), ("lower", p.LowerBand)])),
                "sma" => Run(queries.MovingAverage(ticker, width, n), p => (p.Timestamp, p.ClosePrice, [("sma", p.MovingAverage)])),
                "ema" => Run(queries.Ema(ticker, width, n), p => (p.Timestamp, p.ClosePrice, [("ema", p.Ema)])),
                "macd" => Run(queries.Macd(ticker, width), p => (p.Timestamp, p.ClosePrice, [("macd", p.Macd), ("signal", p.Signal), ("histogram", p.Histogram)])),
                "atr" => Run(queries.Atr(ticker, width, n), p => (p.Timestamp, p.ClosePrice, [("trueRange", p.TrueRange), ("atr", p.Atr)])),
                "vwap" => Run(queries.Vwap(ticker, width), p => (p.Timestamp, p.ClosePrice, [("vwap", p.Vwap)])),
                _ => Run(queries.Stochastic(ticker, width, n), p => (p.Timestamp, p.ClosePrice, [("percentK", p.PercentK), ("percentD", p.PercentD)])),
            }).ConfigureAwait(false);

            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["indicator"] = name,
                    ["symbol"] = ticker,
                    ["interval"] = width.ToString(),
                    ["period"] = name is "macd" or "vwap" ? null : n,
                    ["points"] = new JsonArray([.. result.Select(r =>
                    {
                        var point = new JsonObject { ["timestamp"] = CliFormat.Iso(r.Timestamp), ["close"] = QueryArguments.Json(r.Close) };
                        foreach (var (column, value) in r.Values)
                        {
                            point[column] = QueryArguments.Json(value);
                        }

                        return (JsonNode)point;
                    })]),
                }).ConfigureAwait(false);
                return 0;
            }

            var headers = new[] { "TIMESTAMP", "CLOSE" }.Concat(result.Count == 0 ? [] : result[0].Values.Select(v => v.Column.ToUpperInvariant())).ToArray();
            var table = new TextTable(headers);
            foreach (var r in result)
            {
                table.Add([CliFormat.Time(r.Timestamp), QueryArguments.Number(r.Close), .. r.Values.Select(v => QueryArguments.Number(v.Value))]);
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"{result.Count} point(s) of {name} for {ticker} on {width} bars.").ConfigureAwait(false);
            return 0;

            async Task<IReadOnlyList<(Instant Timestamp, decimal? Close, (string Column, double? Value)[] Values)>> Run<TPoint>(
                IndicatorQuery<TPoint> query, Func<TPoint, (Instant, decimal?, (string, double?)[])> shape)
            {
                var points = await QueryArguments.RunAsync(query.Between(start, end), cancellationToken).ConfigureAwait(false);
                return [.. points.Select(p => shape(p))];
            }
        }));
        return command;
    }
}
