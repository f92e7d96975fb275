using System.CommandLine;
using System.Text.Json;
using Trading.Timescale.Cli;
using Trading.Timescale.Cli.Commands;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary><c>trading-timescale import</c> end to end, in process, against the test database.</summary>
public sealed class ImportCommandTests(TimescaleServerFixture server) : IngestTest(server), IDisposable
{
    private const string Bars = """
        symbol,timestamp,open_price,high_price,low_price,close_price,volume
        AAPL,2026-05-04T13:30:00Z,10.5,11,10,10.75,100
        AAPL,2026-05-04T13:31:00Z,10.5,9,10,10.75,100
        MSFT,2026-05-04 13:30:00+00,"20.25",21,20,20.5,
        MSFT,2026-05-04T09:31:00-04:00,20.5,21,20,abc,300
        "NVDA",2026-05-04T13:30:00Z,30,31,29,30.5,400
        NVDA,2026-05-04T13:31:00Z,30.5,31,29,30.25,500

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("import-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, content.Replace("\r\n", "\n", StringComparison.Ordinal));
        return path;
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = CliApp.CreateRootCommand();
        var exit = await root.Parse(["import", .. args, "--connection", Database.ConnectionString])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Skip_writes_the_valid_rows_and_puts_each_rejected_row_with_its_reason_in_the_rejects_file()
    {
        var rejects = Path.Combine(_directory, "rejects.csv");

        var (exit, output, error) = await RunAsync("stock_prices", "--file", File("bars.csv", Bars), "--on-invalid", "skip", "--rejects", rejects, "--json");

        Assert.Equal((ImportCommand.Succeeded, string.Empty), (exit, error));
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal((6, 4, 2), (json.GetProperty("rowsRead").GetInt32(), json.GetProperty("rowsWritten").GetInt32(), json.GetProperty("rowsRejected").GetInt32()));
        Assert.Equal("trading.stock_prices", json.GetProperty("table").GetString());
        Assert.Equal(4L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
        Assert.Equal(3L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
        Assert.Equal(
            [
                "row_number,line_number,error_column,error_value,error_reason,symbol,timestamp,open_price,high_price,low_price,close_price,volume,vwap,market_cap,shares_outstanding",
                "2,3,high_price,9,high_price 9 < open_price 10.5,AAPL,2026-05-04T13:31:00Z,10.5,9,10,10.75,100,,,",
                "4,5,close_price,abc,close_price 'abc' is not a number,MSFT,2026-05-04T09:31:00-04:00,20.5,21,20,abc,300,,,",
            ],
            await System.IO.File.ReadAllLinesAsync(rejects, Ct));
    }

    [Fact]
    public async Task A_rejected_import_exits_non_zero_naming_the_first_bad_row_its_field_and_value_and_writes_nothing()
    {
        var (exit, output, error) = await RunAsync("stock_prices", "--file", File("bars.csv", Bars));

        Assert.Equal(ImportCommand.Rejected, exit);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("trading-timescale: import rejected: row 2 (line 3): high_price 9 < open_price 10.5 for AAPL 2026-05-04T13:31:00Z (and 1 more invalid rows", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Nothing was written", error, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
    }

    [Fact]
    public async Task Skip_without_a_rejects_file_reports_each_rejected_row_on_standard_error_in_the_common_format()
    {
        var (exit, output, error) = await RunAsync("stock_prices", "--file", File("bars.csv", Bars), "--on-invalid", "skip");

        Assert.Equal(ImportCommand.Succeeded, exit);
        Assert.StartsWith("trading.stock_prices: read 6 rows, wrote 4, rejected 2", output, StringComparison.Ordinal);
        Assert.Equal(
            [
                "trading-timescale: rejected row 2 (line 3): high_price 9 < open_price 10.5 for AAPL 2026-05-04T13:31:00Z",
                "trading-timescale: rejected row 4 (line 5): close_price 'abc' is not a number",
            ],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(" (value", 2)[0]));
    }

    [Fact]
    public async Task Upsert_replays_a_file_idempotently_and_prints_counts()
    {
        var quotes = File("quotes.csv", """
            underlying_symbol,option_symbol,timestamp,expiration_date,strike_price,option_type,bid_price,ask_price,implied_volatility,delta
            AAPL,AAPL261218C00150000,2026-05-04T13:30:00Z,2026-12-18,150,CALL,12.10,12.40,0.25,0.55
            AAPL,AAPL261218P00150000,2026-05-04T13:30:00Z,2026-12-18,150,PUT,3.10,3.30,0.27,-0.45
            AAPL,AAPL261218C00150000,2026-05-04T13:30:00Z,2026-12-18,150,CALL,12.15,12.45,0.25,0.56

            """);

        var first = await RunAsync("options_data", "--file", quotes, "--mode", "upsert");
        var second = await RunAsync("options_data", "--file", quotes, "--mode", "upsert");

        Assert.Equal((0, string.Empty), (first.Exit, first.Error));
        Assert.StartsWith("trading.options_data: read 3 rows, wrote 3, rejected 0 (upsert, 1 batch,", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.Exit);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM trading.options_data"));
        Assert.Equal(12.15m, await ScalarAsync<decimal>("SELECT bid_price FROM trading.latest_option_quotes WHERE option_symbol = 'AAPL261218C00150000'"));
    }

    [Fact]
    public async Task An_unknown_column_fails_the_import_with_the_known_columns_listed()
    {
        var (exit, _, error) = await RunAsync("signals", "--file", File("signals.csv", "symbol,signal,confidence,timestamp\nAAPL,BUY,0.5,2026-05-04T13:30:00Z\n"));

        Assert.Equal(ImportCommand.Failed, exit);
        Assert.Contains("line 1: unknown column 'signal' in the header; trading.signals has symbol, signal_type, confidence", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_import_benchmark_file_arrives_whole_every_column_checked_and_the_latest_snapshot_kept()
    {
        var path = Path.Combine(_directory, "bench.csv");
        Benchmarks.BarsCsv.Write(path, 300_000, 500);
        var expected = Expected(path);

        var (exit, output, error) = await RunAsync("stock_prices", "--file", path, "--json");

        Assert.Equal((ImportCommand.Succeeded, string.Empty), (exit, error));
        Assert.Equal(300_000, JsonDocument.Parse(output).RootElement.GetProperty("rowsWritten").GetInt32());
        var actual = await RowsAsync("""
            SELECT count(*), count(DISTINCT symbol), min(symbol), max(symbol), to_char(min(timestamp) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), to_char(max(timestamp) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                   sum(open_price), min(open_price), max(open_price), sum(high_price), min(high_price), max(high_price),
                   sum(low_price), min(low_price), max(low_price), sum(close_price), min(close_price), max(close_price),
                   sum(volume), min(volume), max(volume), sum(vwap), min(vwap), max(vwap),
                   sum(market_cap), min(market_cap), max(market_cap), sum(shares_outstanding), min(shares_outstanding), max(shares_outstanding),
                   count(*) FILTER (WHERE open_price IS NULL OR high_price IS NULL OR low_price IS NULL OR close_price IS NULL
                                      OR volume IS NULL OR vwap IS NULL OR market_cap IS NULL OR shares_outstanding IS NULL)
            FROM trading.stock_prices
            """);
        Assert.Equal(expected, actual[0].Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        Assert.Equal(500L, await ScalarAsync<long>("SELECT count(*) FROM trading.latest_stock_prices"));
        Assert.Equal(0L, await ScalarAsync<long>("""
            SELECT count(*) FROM trading.latest_stock_prices l
            WHERE l.timestamp <> (SELECT max(timestamp) FROM trading.stock_prices s WHERE s.symbol = l.symbol)
               OR l.close_price <> (SELECT close_price FROM trading.stock_prices s WHERE s.symbol = l.symbol ORDER BY timestamp DESC LIMIT 1)
            """));
    }

    /// <summary>The aggregates of the file, computed from its text in one pass, in the order of the query above.</summary>
    private static string[] Expected(string path)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        long count = 0;
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? first = null, last = null;
        var sums = new decimal[10];
        var mins = new decimal[10];
        var maxes = new decimal[10];
        foreach (var line in System.IO.File.ReadLines(path).Skip(1))
        {
            var fields = line.Split(',');
            symbols.Add(fields[0]);
            var time = DateTimeOffset.Parse(fields[1], culture);
            first = first is null || time < first ? time : first;
            last = last is null || time > last ? time : last;
            for (var column = 2; column <= 9; column++)
            {
                var number = decimal.Parse(fields[column], culture);
                sums[column] += number;
                mins[column] = count == 0 ? number : Math.Min(mins[column], number);
                maxes[column] = count == 0 ? number : Math.Max(maxes[column], number);
            }

            count++;
        }

        var ordered = symbols.Order(StringComparer.Ordinal).ToList();
        var values = new List<string>
        {
            count.ToString(culture),
            ordered.Count.ToString(culture),
            ordered[0],
            ordered[^1],
            first!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", culture),
            last!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", culture),
        };
        for (var column = 2; column <= 9; column++)
        {
            var scale = column is 6 or 8 or 9 ? "0" : "0.0000";
            values.Add(sums[column].ToString(scale, culture));
            values.Add(mins[column].ToString(scale, culture));
            values.Add(maxes[column].ToString(scale, culture));
        }

        values.Add("0");
        return [.. values];
    }

    [Fact]
    public async Task A_rejects_file_that_cannot_be_created_fails_before_anything_is_written()
    {
        var (exit, _, error) = await RunAsync("stock_prices", "--file", File("bars.csv", Bars), "--on-invalid", "skip", "--rejects", Path.Combine(_directory, "missing", "r.csv"));

        Assert.Equal(ImportCommand.Failed, exit);
        Assert.StartsWith($"trading-timescale: --rejects {Path.Combine(_directory, "missing", "r.csv")} cannot be written: ", error, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported.", error, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM trading.stock_prices"));
    }

    [Fact]
    public async Task A_header_with_a_trailing_comma_imports()
    {
        var (exit, output, error) = await RunAsync("stock_prices", "--file", File("trailing.csv", "symbol,timestamp,close_price,\nAAPL,2026-05-04T13:30:00Z,10.5,\nMSFT,2026-05-04T13:30:00Z,20.25,\n"));

        Assert.Equal((ImportCommand.Succeeded, string.Empty), (exit, error));
        Assert.StartsWith("trading.stock_prices: read 2 rows, wrote 2, rejected 0", output, StringComparison.Ordinal);
        Assert.Equal(30.75m, await ScalarAsync<decimal>("SELECT sum(close_price) FROM trading.stock_prices"));
    }

    [Fact]
    public async Task Rejects_without_skip_is_a_usage_error()
    {
        var (exit, _, error) = await RunAsync("stock_prices", "--file", File("bars.csv", Bars), "--rejects", Path.Combine(_directory, "r.csv"));

        Assert.Equal(ImportCommand.Failed, exit);
        Assert.Equal("trading-timescale: --rejects needs --on-invalid skip: under reject, the first invalid row fails the import.", error.Trim());
    }
}
