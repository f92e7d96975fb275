using System.CommandLine;
using System.Text.Json.Nodes;
using NodaTime;
using Trading.Timescale.Export;

namespace Trading.Timescale.Cli.Commands;

/// <summary>
/// <c>trading-timescale export bars|options|signals|outcomes|features --from ISO --to ISO --output DIR|s3://bucket/prefix</c>:
/// hive-partitioned Parquet (or CSV) with a manifest.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Writes training data as hive-partitioned Parquet (date=YYYY-MM-DD/part-0.parquet) with a _manifest.json, to a directory or s3://bucket/prefix.");
        foreach (var table in new[] { ExportTable.Bars, ExportTable.Options, ExportTable.Signals, ExportTable.Outcomes })
        {
            command.Subcommands.Add(CreateTable(table));
        }

        command.Subcommands.Add(CreateFeatures());
        return command;
    }

    private static Command CreateTable(ExportTable table)
    {
        var common = new CommonOptions();
        var interval = new Option<string>("--interval", "-i") { Description = "The bar width of bars: 1m, 5m, 15m, 1h, 1d or interval text.", DefaultValueFactory = _ => "5m" };
        var horizon = new Option<string>("--horizon") { Description = "How long after each signal outcomes judge it: 30m, 4h, 1d...", DefaultValueFactory = _ => "1d" };
        var format = new Option<string>("--format") { Description = "parquet (default) or csv.", DefaultValueFactory = _ => "parquet" };
        var name = table.ToString().ToLowerInvariant();
        var command = new Command(name, $"Exports {name} over [--from, --to).");
        common.AddTo(command);
        command.Options.Add(format);
        if (table == ExportTable.Bars)
        {
            command.Options.Add(interval);
        }

        if (table == ExportTable.Outcomes)
        {
            command.Options.Add(horizon);
        }

        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var (from, to, symbols, output, rowGroups, bySymbol) = common.Read(context);
            var request = new TableExport
            {
                Table = table,
                From = from,
                To = to,
                Symbols = symbols,
                Interval = table == ExportTable.Bars ? ParseWidth(context.ParseResult.GetValue(interval)!) : Queries.BarInterval.FiveMinutes,
                OutcomeHorizon = table == ExportTable.Outcomes ? ParseDuration(context.ParseResult.GetValue(horizon)!, "--horizon") : Duration.FromDays(1),
                Output = output,
                Format = ParseFormat(context.ParseResult.GetValue(format)!),
                RowGroupSize = rowGroups,
                PartitionBySymbol = bySymbol,
            };
            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            using var progress = CliProgress.For(context);
            var result = await database.Export().TableAsync(request, progress, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(context, result).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command CreateFeatures()
    {
        var common = new CommonOptions();
        var interval = QueryArguments.Interval();
        var indicators = new Option<string?>("--indicators") { Description = "Comma-separated: rsi:14, sma:20, ema:20, bollinger:20:2, macd (12/26/9) or macd:F:S:G, atr:14, vwap, stochastic:14:3." };
        var options = new Option<bool>("--options-features") { Description = "Adds at-the-money implied volatility, put/call volume ratio and 25-delta skew from the newest option quotes before each bar's end." };
        var horizon = new Option<string?>("--label-horizon") { Description = "Adds label_forward_return_H and label_first_hit_H over this horizon after each bar: 30m, 1h, 1d..." };
        var threshold = new Option<string>("--label-threshold") { Description = "The target and stop distance of label_first_hit_H, in percent of the bar's close.", DefaultValueFactory = _ => "1%" };
        var format = new Option<string>("--format") { Description = "parquet (default) or csv.", DefaultValueFactory = _ => "parquet" };
        var command = new Command("features", "Exports a point-in-time feature set: one row per symbol and bar with OHLCV, indicators, option features and labels.");
        common.AddTo(command);
        command.Options.Add(interval);
        command.Options.Add(indicators);
        command.Options.Add(options);
        command.Options.Add(horizon);
        command.Options.Add(threshold);
        command.Options.Add(format);
        command.SetAction(CliContext.Action(async (context, cancellationToken) =>
        {
            var (from, to, symbols, output, rowGroups, bySymbol) = common.Read(context);
            IReadOnlyList<FeatureIndicator> chosen;
            try
            {
                chosen = FeatureIndicator.ParseList(context.ParseResult.GetValue(indicators) ?? string.Empty);
            }
            catch (FormatException ex)
            {
                throw new CliException("--indicators: " + ex.Message);
            }

            var request = new FeatureSetExport
            {
                Interval = ParseWidth(context.ParseResult.GetValue(interval)!),
                From = from,
                To = to,
                Symbols = symbols,
                Indicators = chosen,
                OptionsFeatures = context.ParseResult.GetValue(options),
                LabelHorizon = context.ParseResult.GetValue(horizon) is { } h ? ParseDuration(h, "--label-horizon") : null,
                LabelThreshold = ParsePercent(context.ParseResult.GetValue(threshold)!),
                Output = output,
                Format = ParseFormat(context.ParseResult.GetValue(format)!),
                RowGroupSize = rowGroups,
                PartitionBySymbol = bySymbol,
            };
            var database = context.OpenDatabase();
            await using var databaseScope = database.ConfigureAwait(false);
            using var progress = CliProgress.For(context);
            var result = await database.Export().FeaturesAsync(request, progress, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(context, result).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> ReportAsync(CliContext context, ExportResult result)
    {
        if (context.Json)
        {
            await CliFormat.WriteJsonAsync(context.Output, new JsonObject
            {
                ["output"] = result.Output,
                ["rows"] = result.Rows,
                ["manifest"] = result.ManifestPath,
                ["files"] = new JsonArray([.. result.Files.Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = f.Path,
                    ["rows"] = f.Rows,
                    ["bytes"] = f.Bytes,
                    ["sha256"] = f.Sha256,
                })]),
            }).ConfigureAwait(false);
            return 0;
        }

        var table = new TextTable("FILE", "ROWS", "BYTES");
        foreach (var file in result.Files)
        {
            table.Add(file.Path, QueryArguments.Number(file.Rows), CliFormat.Bytes(file.Bytes));
        }

        await table.WriteAsync(context.Output).ConfigureAwait(false);
        await context.Output.WriteLineAsync($"{result.Rows} row(s) in {result.Files.Count} file(s) at {result.Output}; manifest {result.ManifestPath}.").ConfigureAwait(false);
        return 0;
    }

    private static ExportFormat ParseFormat(string text) => text.Trim().ToLowerInvariant() switch
    {
        "parquet" => ExportFormat.Parquet,
        "csv" => ExportFormat.Csv,
        _ => throw new CliException($"--format '{text}' is not a format: use parquet or csv."),
    };

    private static TimescaleInterval ParseWidth(string text) =>
        QueryArguments.ParseInterval(text) is { IsPositive: true, Months: 0 } width
            ? width
            : throw new CliException($"--interval '{text}' is not a positive bar width without months: use 1m, 5m, 15m, 1h, 4h, 1d.");

    private static Duration ParseDuration(string text, string option) =>
        Queries.BarInterval.TryParse(text, out var interval) && interval.IsPositive && interval.Months == 0
            ? Duration.FromDays(interval.Days) + Duration.FromTicks(interval.Microseconds * 10)
            : throw new CliException($"{option} '{text}' is not a duration: use 30m, 4h, 1d or interval text such as '90 minutes'.");

    private static decimal ParsePercent(string text)
    {
        var trimmed = text.Trim().TrimEnd('%');
        return decimal.TryParse(trimmed, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var percent)
               && percent is > 0 and < 100
            ? percent / 100
            : throw new CliException($"--label-threshold '{text}' is not a percentage between 0 and 100, such as 1%.");
    }

    /// <summary>The options every export command takes.</summary>
    private sealed class CommonOptions
    {
        private readonly Option<string?> _from = QueryArguments.Instant("--from", "The first time included.");
        private readonly Option<string?> _to = QueryArguments.Instant("--to", "The first time excluded.");
        private readonly Option<string?> _symbols = new("--symbols") { Description = "Comma-separated tickers; every symbol when omitted." };
        private readonly Option<string> _output = new("--output", "-o") { Description = "A new or empty directory, or s3://bucket/prefix (AWS settings from the environment).", Required = true };
        private readonly Option<int> _rowGroups = new("--row-group-size") { Description = "Rows per Parquet row group.", DefaultValueFactory = _ => ExportDestination.DefaultRowGroupSize };
        private readonly Option<bool> _bySymbol = new("--partition-by-symbol") { Description = "Splits each date partition by symbol (date=D/symbol=S/)." };

        public CommonOptions()
        {
            _from.Required = true;
            _to.Required = true;
        }

        public void AddTo(Command command)
        {
            command.Options.Add(_from);
            command.Options.Add(_to);
            command.Options.Add(_symbols);
            command.Options.Add(_output);
            command.Options.Add(_rowGroups);
            command.Options.Add(_bySymbol);
        }

        public (Instant From, Instant To, IReadOnlyList<string>? Symbols, string Output, int RowGroups, bool BySymbol) Read(CliContext context)
        {
            var from = QueryArguments.ParseInstant(context.ParseResult.GetValue(_from), "--from")!.Value;
            var to = QueryArguments.ParseInstant(context.ParseResult.GetValue(_to), "--to")!.Value;
            if (from >= to)
            {
                throw new CliException($"--from ({CliFormat.Iso(from)}) must be before --to ({CliFormat.Iso(to)}).");
            }

            var symbols = context.ParseResult.GetValue(_symbols)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var rowGroups = context.ParseResult.GetValue(_rowGroups);
            if (rowGroups is < 1 or > 10_000_000)
            {
                throw new CliException($"--row-group-size {rowGroups} must be between 1 and 10000000 rows.");
            }

            return (from, to, symbols, context.ParseResult.GetValue(_output)!, rowGroups, context.ParseResult.GetValue(_bySymbol));
        }
    }
}
