using System.Globalization;
using System.Text.Json;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>The bars, indicator and chain commands end to end, through the tool's entry point.</summary>
public sealed class QueryCommandTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static readonly IndicatorFixture Fixture = IndicatorFixture.Instance;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Fixture.LoadAsync(DataSource, Ct);
        await ExecuteAsync("""
            INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type, volume, open_interest, implied_volatility) VALUES
            ('XYZ', 'XYZ260320C00100000', '2026-03-02T15:00:00Z', '2026-03-20', 100, 'CALL', 10, 100, 0.25),
            ('XYZ', 'XYZ260320C00100000', '2026-03-02T16:00:00Z', '2026-03-20', 100, 'CALL', 20, 100, 0.26),
            ('XYZ', 'XYZ260320P00100000', '2026-03-02T15:30:00Z', '2026-03-20', 100, 'PUT', 5, 50, 0.27)
            """);
    }

    [Fact]
    public async Task Bars_as_json_and_as_a_table()
    {
        var json = await RunAsync("bars", "FIX", "--interval", "1d", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-04T00:00:00-05:00", "--json", "-c", Database.ConnectionString);
        var table = await RunAsync("bars", "FIX", "--interval", "'15 minutes'", "--from", "2026-03-02T14:30:00Z", "--to", "2026-03-02T15:00:00Z", "-c", Database.ConnectionString);

        Assert.Equal((0, string.Empty), (json.ExitCode, json.Error));
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal("trading.stock_prices_1d", document.RootElement.GetProperty("source").GetString());
        var bars = document.RootElement.GetProperty("bars").EnumerateArray().ToList();
        var expected = Fixture.Case("FIX bars 1 day").GetProperty("rows").EnumerateArray().Take(2).ToList();
        Assert.Equal(expected.Select(r => r[0].GetString()), bars.Select(b => b.GetProperty("bucket").GetString()));
        Assert.Equal(expected.Select(r => decimal.Parse(r[5].GetString()!, CultureInfo.InvariantCulture)), bars.Select(b => b.GetProperty("close").GetDecimal()));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("BUCKET", table.Output, StringComparison.Ordinal);
        Assert.Contains("2026-03-02 14:45:00Z", table.Output, StringComparison.Ordinal);
        Assert.Contains("2 bar(s) of 15 minutes from trading.stock_prices", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Indicator_rsi_as_json_matches_the_reference_values()
    {
        var result = await RunAsync("indicator", "rsi", "FIX", "--interval", "5m", "--period", "14", "--json", "-c", Database.ConnectionString);
        var bollinger = await RunAsync("indicator", "bollinger", "FIX", "--interval", "5 minutes", "--from", "2026-03-16T14:02:00Z", "--to", "2026-03-17T17:00:00Z", "-c", Database.ConnectionString);

        Assert.Equal((0, string.Empty), (result.ExitCode, result.Error));
        using var document = JsonDocument.Parse(result.Output);
        var points = document.RootElement.GetProperty("points").EnumerateArray().ToList();
        var expected = Fixture.Case("FIX rsi 14 5 minutes").GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(expected.Count, points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var rsi = points[i].GetProperty("rsi");
            Assert.Equal(expected[i][2].ValueKind == JsonValueKind.Null, rsi.ValueKind == JsonValueKind.Null);
            Assert.True(rsi.ValueKind == JsonValueKind.Null || Fixture.Near(rsi.GetDouble(), expected[i][2].GetDouble()), $"row {i}");
        }

        Assert.Equal(0, bollinger.ExitCode);
        Assert.Contains("MIDDLE", bollinger.Output, StringComparison.Ordinal);
        Assert.Contains("113 point(s) of bollinger for FIX", bollinger.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_as_of_an_instant()
    {
        var asOf = await RunAsync("chain", "XYZ", "--as-of", "2026-03-02T10:15:00-05:00", "--json", "-c", Database.ConnectionString);
        var newest = await RunAsync("chain", "XYZ", "-c", Database.ConnectionString);

        Assert.Equal((0, string.Empty), (asOf.ExitCode, asOf.Error));
        using var document = JsonDocument.Parse(asOf.Output);
        var contract = Assert.Single(document.RootElement.GetProperty("contracts").EnumerateArray());
        Assert.Equal(("XYZ260320C00100000", 10L, 0.25m), (contract.GetProperty("optionSymbol").GetString(), contract.GetProperty("volume").GetInt64(), contract.GetProperty("impliedVolatility").GetDecimal()));
        Assert.Equal(0, newest.ExitCode);
        Assert.Contains("2 contract(s) of XYZ", newest.Output, StringComparison.Ordinal);
        Assert.Contains("XYZ260320P00100000", newest.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bars FIX --interval banana --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z", "--interval 'banana' is not a bar width")]
    [InlineData("bars FIX --interval 5m --from yesterday --to 2026-03-03T00:00:00Z", "--from 'yesterday' is not an ISO 8601 instant")]
    [InlineData("indicator macd FIX --interval 5m --period 3", "--period does not apply to macd")]
    [InlineData("indicator rsi FIX --interval 5m --period 0", "--period 0 must be at least 1")]
    public async Task Bad_arguments_fail_with_one_line(string args, string message)
    {
        var result = await RunAsync([.. args.Split(' '), "-c", Database.ConnectionString]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);
}
