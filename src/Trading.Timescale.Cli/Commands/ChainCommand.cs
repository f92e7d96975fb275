using System.CommandLine;
using System.Text.Json.Nodes;
using NodaTime.Text;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale chain UNDERLYING [--as-of ISO]</c>: each contract's newest quote at or before an instant.</summary>
internal static class ChainCommand
{
    public static Command Create()
    {
        var underlying = new Argument<string>("underlying") { Description = "The underlying's ticker, e.g. AAPL." };
        var asOf = QueryArguments.Instant("--as-of", "The chain as it stood at this instant (each contract's newest quote at or before it). Default: the newest quotes.");
        var command = new Command("chain", "The option chain of an underlying as of an instant, by expiration, strike and type.");
        command.Arguments.Add(underlying);
        command.Options.Add(asOf);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var at = QueryArguments.ParseInstant(context.ParseResult.GetValue(asOf), "--as-of");
            var dataSource = context.OpenDataSource();
            await using var dataSourceScope = dataSource.ConfigureAwait(false);
            var query = new TradingQueries(dataSource).OptionChain(context.ParseResult.GetValue(underlying)!);
            if (at is { } instant)
            {
                query = query.AsOf(instant);
            }

            var quotes = await QueryArguments.RunAsync(query, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["underlying"] = query.UnderlyingSymbol,
                    ["asOf"] = CliFormat.Iso(at),
                    ["contracts"] = new JsonArray([.. quotes.Select(q => (JsonNode)new JsonObject
                    {
                        ["optionSymbol"] = q.OptionSymbol,
                        ["expiration"] = LocalDatePattern.Iso.Format(q.ExpirationDate),
                        ["strike"] = q.StrikePrice,
                        ["type"] = q.OptionType == OptionType.Call ? "CALL" : "PUT",
                        ["bid"] = QueryArguments.Json(q.BidPrice),
                        ["ask"] = QueryArguments.Json(q.AskPrice),
                        ["last"] = QueryArguments.Json(q.LastPrice),
                        ["volume"] = QueryArguments.Json(q.Volume),
                        ["openInterest"] = QueryArguments.Json(q.OpenInterest),
                        ["impliedVolatility"] = QueryArguments.Json(q.ImpliedVolatility),
                        ["delta"] = QueryArguments.Json(q.Delta),
                        ["quotedAt"] = CliFormat.Iso(q.Timestamp),
                    })]),
                }).ConfigureAwait(false);
                return 0;
            }

            var table = new TextTable("OPTION", "EXPIRATION", "STRIKE", "TYPE", "BID", "ASK", "LAST", "VOLUME", "OI", "IV", "DELTA", "QUOTED AT");
            foreach (var q in quotes)
            {
                table.Add(q.OptionSymbol, LocalDatePattern.Iso.Format(q.ExpirationDate), QueryArguments.Number(q.StrikePrice), q.OptionType == OptionType.Call ? "CALL" : "PUT",
                    QueryArguments.Number(q.BidPrice), QueryArguments.Number(q.AskPrice), QueryArguments.Number(q.LastPrice), QueryArguments.Number(q.Volume),
                    QueryArguments.Number(q.OpenInterest), QueryArguments.Number(q.ImpliedVolatility), QueryArguments.Number(q.Delta), CliFormat.Time(q.Timestamp));
            }

            await table.WriteAsync(context.Output).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"{quotes.Count} contract(s) of {query.UnderlyingSymbol}{(at is null ? string.Empty : " as of " + CliFormat.Time(at))}.").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
