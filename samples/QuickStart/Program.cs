using System.Diagnostics;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Trading.Timescale;
using Trading.Timescale.Ingest;
using Trading.Timescale.Positions;
using Trading.Timescale.Queries;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;
using static QuickStart.Cells;

namespace QuickStart;

/// <summary>
/// The Trading.Timescale quick start: a simulated trading day through the whole library. It starts a throwaway server
/// (whatever the environment holds), or uses the database named with --database-url or --connection-file when that
/// database is empty or the demo's own; it ingests a session of bars, option chains and signals, then shows what a
/// trader would look at and writes a chart.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        DemoArguments arguments;
        try
        {
            arguments = DemoArguments.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"quickstart: {ex.Message}");
            Console.Error.WriteLine(DemoArguments.Usage);
            return 2;
        }

        if (arguments.Help)
        {
            Console.WriteLine(DemoArguments.Usage);
            return 0;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        var ct = cancellation.Token;

        // 1. A server: a throwaway one from Trading.Timescale.Testing (Docker when it answers, else a local cluster;
        //    disposing it stops and deletes it), or the database named on the command line.
        TimescaleTestServer? throwaway = null;
        try
        {
            string connectionString;
            string how;
            string? claim = null;
            if (arguments.ConnectionString is { } named)
            {
                connectionString = named;
                how = $"{DemoDatabase.Describe(named)}, named by {arguments.Source}";
            }
            else
            {
                if (DemoDatabase.IgnoredVariables() is { Count: > 0 } ignored)
                {
                    Console.WriteLine($"Ignoring {string.Join(", ", ignored)}: the demo writes only into a throwaway server it starts, " +
                                      "or into a database named with --database-url or --connection-file.");
                }

                Console.WriteLine("Starting a throwaway server for the demo...");
                // ConnectionStringVariable = null: never an existing server from TRADING_TIMESCALE_CONNECTION.
                throwaway = await TimescaleTestServer.StartAsync(new TimescaleTestServerOptions { ConnectionStringVariable = null }, ct);
                connectionString = (await throwaway.CreateDatabaseAsync("quickstart", ct)).ConnectionString;
                how = throwaway.Kind switch
                {
                    TimescaleTestServerKind.LocalCluster => "a throwaway local cluster (stopped and deleted at exit)",
                    _ => "a throwaway Docker container (removed at exit)",
                };
                Console.WriteLine($"Started {throwaway.Describe()}");
            }

            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            dataSourceBuilder.UseNodaTime();
            await using var dataSource = dataSourceBuilder.Build();
            if (throwaway is null)
            {
                claim = await DemoDatabase.ClaimAsync(dataSource, DemoDatabase.Describe(connectionString), ct);
            }

            TimescaleServerInfo info;
            await using (var connection = await dataSource.OpenConnectionAsync(ct))
            {
                info = await TimescaleServerInfo.DetectAsync(connection, ct);
            }

            Console.WriteLine($"Connected to {how}:");
            Console.WriteLine($"  PostgreSQL  {info.ServerVersion}");
            Console.WriteLine($"  TimescaleDB {info.TimescaleVersion ?? "not available"}");
            Console.WriteLine($"  edition     {info.Edition.ToString().ToLowerInvariant()}");
            if (claim is not null)
            {
                Console.WriteLine($"  {claim}");
            }

            // 2. The demo proper.
            await RunAsync(dataSource, connectionString, arguments.Symbols, ct);
            return 0;
        }
        catch (DemoDatabaseRefusedException ex)
        {
            Console.Error.WriteLine($"quickstart: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (arguments.ConnectionString is { } named && ex is NpgsqlException or TradingTimescaleException)
        {
            // Messages of Npgsql and the library carry no password.
            Console.Error.WriteLine($"quickstart: {DemoDatabase.Describe(named)}: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        finally
        {
            if (throwaway is not null)
            {
                await throwaway.DisposeAsync();
            }
        }
    }

    /// <summary>What the demo does with the database, in the order a service would.</summary>
    private static async Task RunAsync(NpgsqlDataSource dataSource, string connectionString, int symbolCount, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();

        // The library as a service uses it: registered once, resolved as TradingDatabase.
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddTradingTimescale(connectionString);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var trading = provider.GetRequiredService<TradingDatabase>();

        Output.Section("Schema");
        var report = await trading.Schema.MigrateAsync(ct);
        Output.Line($"applied {report.Applied.Count} file(s) for the {report.Edition.ToString().ToLowerInvariant()} edition in {report.Elapsed.TotalSeconds:0.0} s");

        // 1. A simulated session: the last weekday before today, so every row is in the past.
        var today = SystemClock.Instance.GetCurrentInstant().InZone(SampleMarket.Exchange).Date;
        var market = SampleMarket.Simulate(SampleMarket.PreviousWeekday(today), symbolCount);
        var horizon = Duration.FromHours(2);
        string[] underlyings = ["AAPL", "MSFT", "NVDA", "SPY"];
        var quotes = market.OptionChains(underlyings).ToList();
        var signals = market.Signals(120, horizon).ToList();
        const string focus = "AAPL";

        Output.Section($"Ingest: the {market.Day:dddd d MMMM yyyy} session, 09:30-16:00 {SampleMarket.Exchange.Id}");
        var barChunks = market.Bars.Values.Chunk(25).ToList();
        var barCount = market.Bars.Values.Sum(b => b.Length);
        await Output.ProgressAsync(
        [
            new ProgressStep($"{market.Bars.Count} symbols of 1-minute bars (append)", barCount, async report =>
            {
                var done = 0L;
                foreach (var chunk in barChunks)
                {
                    done += (await trading.Ingest.AppendAsync(chunk.SelectMany(b => b), cancellationToken: ct)).RowsWritten;
                    report(done);
                }
            }),
            new ProgressStep($"option quotes for {string.Join(", ", underlyings)} (upsert)", quotes.Count, async report =>
            {
                var done = 0L;
                foreach (var snapshot in quotes.Chunk(quotes.Count / 13))
                {
                    done += (await trading.Ingest.UpsertAsync(snapshot, cancellationToken: ct)).RowsRead;
                    report(done);
                }
            }),
            new ProgressStep("model signals (append)", signals.Count, async report =>
                report((await trading.Ingest.AppendAsync(signals, cancellationToken: ct)).RowsWritten)),
        ]);
        try
        {
            var bar = market.Bars[focus][0];
            await trading.Ingest.AppendAsync([bar with { Timestamp = market.Close }, bar with { Timestamp = market.Close + Duration.FromMinutes(1), HighPrice = bar.LowPrice - 1m }], cancellationToken: ct);
        }
        catch (IngestValidationException ex)
        {
            Output.Line($"a bad batch is refused whole, nothing written: {ex.Errors[0]}");
        }

        // The session is in the past, so a refresh policy running while it loaded may have moved an aggregate's
        // watermark past rows written after it; those wait for the next refresh. Refresh the session's buckets now.
        var sessionStart = market.Day.AtStartOfDayInZone(SampleMarket.Exchange).ToInstant();
        if (await trading.Operations.RefreshAggregatesAsync(sessionStart, sessionStart + Duration.FromDays(1), ct))
        {
            Output.Line("continuous aggregates refreshed over the session");
        }

        await ShowPricesAsync(trading.Queries, market, focus, ct);
        var chart = await ShowIndicatorsAsync(trading.Queries, market, focus, ct);
        await ShowOptionsAsync(trading.Queries, market, underlyings, focus, ct);
        await ShowSignalsAsync(trading.Queries, market, horizon, ct);
        await ShowPositionAsync(trading, market, focus, ct);
        await ShowHealthAsync(trading, dataSource, ct);

        Output.Section("Chart");
        var path = Path.GetFullPath(Path.Combine("artifacts", "demo", $"{focus.ToLowerInvariant()}-{market.Day:yyyy-MM-dd}.svg"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, Chart.Svg($"{focus} on {market.Day:yyyy-MM-dd}, 1-minute closes", chart, SampleMarket.Exchange), ct);
        _ = XDocument.Load(path);   // well-formed XML, so any browser opens it
        Output.Line($"price with Bollinger Bands and RSI: {path}");
        await FeatureExport.RunAsync(trading, market, ct);
        Output.Line($"demo finished in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task ShowPricesAsync(TradingQueries queries, SampleMarket market, string focus, CancellationToken ct)
    {
        var watchlist = market.Symbols.Take(10).ToArray();
        Output.Section("Latest prices at the close");
        var latest = await queries.LatestPrices(market.Close).ForSymbols(watchlist).ToListAsync(ct);
        var days = (await queries.Bars(BarInterval.OneDay).ForSymbols(watchlist).Between(market.Day.AtStartOfDayInZone(SampleMarket.Exchange).ToInstant(), market.Close).ToListAsync(ct))
            .ToDictionary(b => b.Symbol);
        Output.Table(["symbol", ">last", ">open", ">change", ">day high", ">day low", ">volume"], latest.Select(p =>
        {
            var day = days[p.Symbol];
            return Row(p.Symbol, Price(p.ClosePrice), Price(day.Open), Percent((double)(p.ClosePrice!.Value / day.Open!.Value - 1)),
                Price(day.High), Price(day.Low), $"{day.Volume:N0}");
        }));

        Output.Section($"5-minute bars for {focus} (last half hour)");
        var bars = await queries.Bars(focus, BarInterval.FiveMinutes).Between(market.Open, market.Close)
            .OrderBy(SortDirection.Descending).Take(6).ToListAsync(ct);
        Output.Table(["time", ">open", ">high", ">low", ">close", ">volume", ">vwap"], bars.Select(b =>
            Row(Time(b.Bucket), Price(b.Open), Price(b.High), Price(b.Low), Price(b.Close), $"{b.Volume:N0}", Price(b.Vwap))));

        Output.Section("Volume through the day, all symbols (30-minute bars): busy open and close, quiet lunch");
        var hourly = (await queries.Bars(BarInterval.Parse("30m")).Between(market.Open, market.Close).ToListAsync(ct))
            .GroupBy(b => b.Bucket).OrderBy(g => g.Key).Select(g => (g.Key, Volume: g.Sum(b => b.Volume ?? 0))).ToList();
        var widest = hourly.Max(h => h.Volume);
        Output.Table(["from", ">volume", "profile"], hourly.Select(h =>
            Row(Time(h.Key), $"{h.Volume:N0}", new string('#', (int)Math.Round(30.0 * h.Volume / widest)))));
    }

    private static async Task<IReadOnlyList<ChartPoint>> ShowIndicatorsAsync(TradingQueries queries, SampleMarket market, string focus, CancellationToken ct)
    {
        Output.Section($"RSI (14) and Bollinger Bands (20, 2) for {focus}, 5-minute bars");
        var rsi = await queries.Rsi(focus, BarInterval.FiveMinutes).Between(market.Open, market.Close).ToListAsync(ct);
        var bands = await queries.BollingerBands(focus, BarInterval.FiveMinutes).Between(market.Open, market.Close).ToListAsync(ct);
        Output.Table(["time", ">close", ">RSI", ">lower", ">middle", ">upper", "reading"], rsi.Zip(bands).TakeLast(6).Select(p =>
            Row(Time(p.First.Timestamp), Price(p.First.ClosePrice), Number(p.First.Rsi, "0.0"), Number(p.Second.LowerBand, "0.00"),
                Number(p.Second.MiddleBand, "0.00"), Number(p.Second.UpperBand, "0.00"), Reading(p.First.Rsi, p.First.ClosePrice, p.Second))));

        // The chart uses the 1-minute bars of the whole session.
        var rsi1 = await queries.Rsi(focus, BarInterval.OneMinute).Between(market.Open, market.Close).ToListAsync(ct);
        var bands1 = await queries.BollingerBands(focus, BarInterval.OneMinute).Between(market.Open, market.Close).ToListAsync(ct);
        return rsi1.Zip(bands1, (r, b) => new ChartPoint(r.Timestamp, (double)r.ClosePrice!.Value, b.MiddleBand, b.UpperBand, b.LowerBand, r.Rsi)).ToList();
    }

    private static async Task ShowOptionsAsync(TradingQueries queries, SampleMarket market, IReadOnlyList<string> underlyings, string focus, CancellationToken ct)
    {
        var spot = market.PriceAt(focus, market.Close);
        var nearest = await queries.VolatilityTermStructure(focus).AsOf(market.Close).ToListAsync(ct);
        var expiration = nearest[1].ExpirationDate;
        Output.Section($"{focus} options expiring {expiration:yyyy-MM-dd} at the close (spot {spot:N2}): Black-Scholes on a smile");
        var chain = await queries.OptionChain(focus).AsOf(market.Close).Expiring(expiration, expiration)
            .Strikes(spot * 0.95m, spot * 1.05m).ToListAsync(ct);
        Output.Table(["C bid", "C ask", ">C IV", ">C delta", ">strike", "P bid", "P ask", ">P IV", ">P delta", ">gamma", ">theta/day", ">vega"],
            chain.GroupBy(q => q.StrikePrice).Select(g =>
            {
                var call = g.Single(q => q.OptionType == OptionType.Call);
                var put = g.Single(q => q.OptionType == OptionType.Put);
                return Row(Price(call.BidPrice), Price(call.AskPrice), Percent((double)call.ImpliedVolatility!.Value), $"{call.Delta:0.000}",
                    $"{g.Key:0.00}", Price(put.BidPrice), Price(put.AskPrice), Percent((double)put.ImpliedVolatility!.Value), $"{put.Delta:0.000}",
                    $"{call.Gamma:0.0000}", $"{call.Theta:0.000}", $"{call.Vega:0.000}");
            }));

        Output.Section($"{focus} at-the-money implied volatility by expiration");
        Output.Table(["expiration", ">strike", ">call IV", ">put IV", ">ATM IV"], nearest.Select(t =>
            Row($"{t.ExpirationDate:yyyy-MM-dd}", $"{t.AtmStrike:0.00}", Percent((double?)t.CallImpliedVolatility), Percent((double?)t.PutImpliedVolatility), Percent((double?)t.ImpliedVolatility))));

        Output.Section("Put/call ratios at the close");
        var ratios = new List<PutCallRatio>();
        foreach (var underlying in underlyings)
        {
            ratios.AddRange(await queries.PutCallRatio(underlying).AsOf(market.Close).ToListAsync(ct));
        }

        Output.Table(["underlying", ">contracts", ">put volume", ">call volume", ">P/C volume", ">P/C open interest"], ratios.Select(r =>
            Row(r.UnderlyingSymbol, $"{r.Contracts:N0}", $"{r.PutVolume:N0}", $"{r.CallVolume:N0}", $"{r.VolumeRatio:0.00}", $"{r.OpenInterestRatio:0.00}")));
    }

    private static async Task ShowSignalsAsync(TradingQueries queries, SampleMarket market, Duration horizon, CancellationToken ct)
    {
        var day = queries.Signals().Between(market.Open, market.Close);
        Output.Section("Signal activity by symbol (top 8)");
        var performance = await day.PerformanceBySymbol().ToListAsync(ct);
        Output.Table(["symbol", ">signals", ">avg confidence", ">buy", ">sell", ">hold"], performance.Take(8).Select(p =>
            Row(p.Symbol, $"{p.TotalSignals}", $"{p.AverageConfidence:0.00}", $"{p.BuySignals}", $"{p.SellSignals}", $"{p.HoldSignals}")));

        Output.Section($"Signal outcomes over {horizon.TotalHours:0} hours: did the target or the stop come first?");
        var outcomes = await day.OfType(SignalType.Buy, SignalType.Sell).Outcomes(horizon).ToListAsync(ct);
        Output.Table(SignalReport.SummaryHeaders, SignalReport.Summary(outcomes));

        Output.Line("the latest five (signal return: what following the signal earned, the underlying's move negated for a SELL):");
        Output.Table(SignalReport.OutcomeHeaders, outcomes.Take(5).Select(SignalReport.Outcome));
    }

    private static async Task ShowPositionAsync(TradingDatabase trading, SampleMarket market, string focus, CancellationToken ct)
    {
        Output.Section("A position from the best buy signal");
        var best = (await trading.Queries.Signals().ForSymbols(focus).OfType(SignalType.Buy).Between(market.Open, market.Close)
            .ToListAsync(ct)).MaxBy(s => s.Confidence);
        if (best is null)
        {
            Output.Line($"no buy signal for {focus} today");
            return;
        }

        var entry = market.PriceAt(focus, best.Timestamp);
        var opened = await trading.Positions.OpenAsync(
            new OpenPositionRequest(focus, 100m, entry) { SignalId = best.Id, SignalTimestamp = best.Timestamp }, ct);
        var marks = await trading.Positions.MarkToMarketAsync(cancellationToken: ct);
        var summary = await trading.Positions.GetPortfolioSummaryAsync(cancellationToken: ct);
        Output.Line($"long 100 {focus} at {opened.Position.AverageCost:N2} (signal at {Time(best.Timestamp)}, confidence {best.Confidence:0.00}); " +
                    $"marked {marks.Marked.Count}: net exposure {summary.NetExposure:N2}, unrealized P&L {summary.UnrealizedPnl:N2}");
    }

    private static async Task ShowHealthAsync(TradingDatabase trading, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        Output.Section("Database health and stats");
        var health = await trading.Schema.CheckHealthAsync(ct);
        Output.Line($"{health.Server.Edition.ToString().ToLowerInvariant()} edition, TimescaleDB {health.Server.TimescaleVersion}; " +
                    $"healthy: {(health.IsHealthy ? "yes" : "no")}; pending migrations: {health.PendingMigrations.Count}");
        foreach (var problem in health.Problems)
        {
            Output.Line($"problem: {problem}");
        }

        Output.Line($"continuous aggregates: {Feature(health.ContinuousAggregates)}; jobs: {Feature(health.Jobs)}; compression: {Feature(health.Compression)}");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var hypertable in health.Hypertables)
        {
            await using var command = dataSource.CreateCommand(
                "SELECT count(*), pg_size_pretty(hypertable_size(format('trading.%I', $1::text)::regclass)) FROM trading." + DemoDatabase.Identifier(hypertable.Name));
            command.Parameters.AddWithValue(hypertable.Name);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            rows.Add(Row(hypertable.Name, $"{reader.GetInt64(0):N0}", $"{hypertable.ChunkCount}", reader.GetString(1)));
        }

        Output.Table(["hypertable", ">rows", ">chunks", ">size"], rows);
    }

    private static string Feature<T>(SchemaFeatureHealth<T> feature) =>
        feature.Available ? $"{feature.Items.Count}" : $"unavailable ({feature.UnavailableReason})";

    private static string Reading(double? rsi, decimal? close, BollingerPoint band) => (rsi, band) switch
    {
        ( >= 70, _) => "overbought",
        ( <= 30, _) => "oversold",
        (_, { UpperBand: { } upper }) when (double?)close >= upper => "at upper band",
        (_, { LowerBand: { } lower }) when (double?)close <= lower => "at lower band",
        _ => "",
    };
}
