using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.Operations;

namespace Trading.Timescale.Cli.Commands;

/// <summary><c>trading-timescale quality</c>: runs the data quality checks and records them in trading.data_quality.</summary>
internal static class QualityCommand
{
    public static Command Create()
    {
        var asOf = new Option<string?>("--as-of") { Description = "Check as of this instant (ISO 8601, e.g. 2026-11-16T21:00:00Z). Default: now." };
        var window = new Option<int>("--window-hours") { Description = "How many hours back the checks look.", DefaultValueFactory = _ => 24 };
        var holidays = new Option<string[]>("--holiday") { Description = "An exchange holiday (yyyy-MM-dd) with no session. Repeatable.", AllowMultipleArgumentsPerToken = false };
        var noRecord = new Option<bool>("--no-record") { Description = "Only report; do not write to trading.data_quality." };
        var command = new Command("quality",
            "Checks the data: gaps in bars during the regular session (09:30-16:00 in the time zone the database was installed with, weekdays), stale symbols, crossed and locked option quotes, price outliers, negative or absurd volumes and implied volatility out of range; records the outcome in trading.data_quality. Exit code 1 when a check fails.");
        command.Options.Add(asOf);
        command.Options.Add(window);
        command.Options.Add(holidays);
        command.Options.Add(noRecord);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            var report = await database.Operations.CheckQualityAsync(new DataQualityOptions
            {
                AsOf = context.ParseResult.GetValue(asOf) is { Length: > 0 } text ? ParseInstant(text) : null,
                Window = Duration.FromHours(context.ParseResult.GetValue(window)),
                Holidays = [.. (context.ParseResult.GetValue(holidays) ?? []).Select(ParseDate)],
                Record = !context.ParseResult.GetValue(noRecord),
            }, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await CliFormat.WriteJsonAsync(context.Output, new JsonObject
                {
                    ["asOf"] = CliFormat.Iso(report.AsOf),
                    ["windowStart"] = CliFormat.Iso(report.WindowStart),
                    ["recorded"] = report.Recorded,
                    ["checks"] = new JsonArray([.. report.Checks.Select(c => (JsonNode)new JsonObject
                    {
                        ["check"] = c.CheckName, ["table"] = c.TableName, ["symbol"] = c.Symbol, ["status"] = c.Status.ToString().ToUpperInvariant(),
                        ["measured"] = c.MeasuredValue, ["threshold"] = c.ThresholdValue, ["details"] = c.Details is null ? null : JsonNode.Parse(c.Details),
                    })]),
                }).ConfigureAwait(false);
            }
            else
            {
                var table = new TextTable("CHECK", "TABLE", "SYMBOL", "STATUS", "MEASURED", "THRESHOLD");
                foreach (var c in report.Checks)
                {
                    table.Add(c.CheckName, c.TableName, c.Symbol, c.Status.ToString().ToUpperInvariant(),
                        c.MeasuredValue?.ToString("0.####", CultureInfo.InvariantCulture), c.ThresholdValue?.ToString("0.####", CultureInfo.InvariantCulture));
                }

                await table.WriteAsync(context.Output).ConfigureAwait(false);
                await context.Output.WriteLineAsync($"Checked {CliFormat.Time(report.WindowStart)} to {CliFormat.Time(report.AsOf)}: {report.Problems.Count()} problem row(s)"
                    + (report.Recorded ? ", recorded in trading.data_quality." : ", not recorded.")).ConfigureAwait(false);
            }

            var failed = report.Problems.Where(p => p.Status == DataQualityStatus.Fail).ToList();
            if (failed.Count == 0)
            {
                return 0;
            }

            await context.Error.WriteLineAsync(CliContext.ErrorPrefix + string.Create(CultureInfo.InvariantCulture,
                $"{failed.Count} data quality check(s) failed: {string.Join("; ", failed.Take(5).Select(p => $"{p.CheckName} {p.TableName} {p.Symbol}"))}{(failed.Count > 5 ? "; ..." : string.Empty)}")).ConfigureAwait(false);
            return 1;
        }));
        return command;
    }

    private static Instant ParseInstant(string text) =>
        InstantPattern.ExtendedIso.Parse(text) is { Success: true } result ? result.Value
            : throw new CliException($"--as-of \"{text}\" is not an ISO 8601 instant such as 2026-11-16T21:00:00Z.");

    private static LocalDate ParseDate(string text) =>
        LocalDatePattern.Iso.Parse(text) is { Success: true } result ? result.Value
            : throw new CliException($"--holiday \"{text}\" is not a date such as 2026-12-25.");
}
