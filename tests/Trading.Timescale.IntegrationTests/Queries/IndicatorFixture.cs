using System.Globalization;
using System.Text;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using NpgsqlTypes;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>
/// tests/fixtures/indicators/indicators.json: raw rows and the expected rows of SQL calls, written by
/// generate.py (a reference implementation independent of the SQL); the conformance run reads the same file.
/// </summary>
public sealed class IndicatorFixture
{
    private static readonly Lazy<IndicatorFixture> Shared = new(Load);

    private IndicatorFixture(JsonDocument document, string rawJson)
    {
        Document = document;
        RawJson = rawJson;
        var tolerance = document.RootElement.GetProperty("tolerance");
        Relative = tolerance.GetProperty("relative").GetDouble();
        Floor = tolerance.GetProperty("floor").GetDouble();
    }

    public static IndicatorFixture Instance => Shared.Value;

    public JsonDocument Document { get; }

    /// <summary>The raw stock_prices rows as a JSON array.</summary>
    public string RawJson { get; }

    public double Relative { get; }

    public double Floor { get; }

    public IEnumerable<JsonElement> Cases => Document.RootElement.GetProperty("cases").EnumerateArray();

    public JsonElement Case(string name) => Cases.Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>Inserts the raw rows into trading.stock_prices.</summary>
    public async Task LoadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
            SELECT r.symbol, r.timestamp, r.open, r.high, r.low, r.close, r.volume, r.vwap
            FROM jsonb_to_recordset($1) AS r(symbol text, timestamp timestamptz, open numeric, high numeric, low numeric,
                                             close numeric, volume bigint, vwap numeric)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = RawJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a case's SQL and returns every difference from its expected rows (empty when it matches).</summary>
    public async Task<List<string>> CompareAsync(NpgsqlDataSource dataSource, JsonElement testCase, CancellationToken cancellationToken)
    {
        var name = testCase.GetProperty("name").GetString();
        var columns = testCase.GetProperty("columns").EnumerateArray()
            .Select(c => (Name: c.GetProperty("name").GetString()!, Kind: c.GetProperty("kind").GetString()!)).ToList();
        var expected = testCase.GetProperty("rows").EnumerateArray().ToList();
        var problems = new List<string>();

        await using var command = dataSource.CreateCommand(testCase.GetProperty("sql").GetString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var row = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (row >= expected.Count)
            {
                row++;
                continue;
            }

            var values = expected[row].EnumerateArray().ToList();
            for (var i = 0; i < columns.Count; i++)
            {
                var actual = reader.IsDBNull(reader.GetOrdinal(columns[i].Name)) ? null : reader.GetValue(reader.GetOrdinal(columns[i].Name));
                if (!Matches(actual, values[i], columns[i].Kind))
                {
                    problems.Add($"{name}: row {row} {columns[i].Name} expected {values[i].GetRawText()}, got {Format(actual)}");
                }
            }

            row++;
        }

        if (row != expected.Count)
        {
            problems.Add($"{name}: expected {expected.Count} rows, got {row}");
        }

        return problems;
    }

    /// <summary>|actual - expected| &lt;= relative * max(|expected|, floor).</summary>
    public bool Near(double actual, double expected) =>
        Math.Abs(actual - expected) <= Relative * Math.Max(Math.Abs(expected), Floor);

    private bool Matches(object? actual, JsonElement expected, string kind)
    {
        if (expected.ValueKind == JsonValueKind.Null || actual is null)
        {
            return expected.ValueKind == JsonValueKind.Null && actual is null;
        }

        return kind switch
        {
            "timestamp" => actual is Instant instant && instant == InstantPattern.ExtendedIso.Parse(expected.GetString()!).Value,
            "exact" => actual switch
            {
                decimal d => d == decimal.Parse(expected.GetString()!, CultureInfo.InvariantCulture),
                long l => l == expected.GetInt64(),
                string s => s == expected.GetString(),
                _ => false,
            },
            "approx" => Near(Convert.ToDouble(actual, CultureInfo.InvariantCulture), expected.GetDouble()),
            _ => throw new InvalidOperationException($"unknown column kind {kind}"),
        };
    }

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static IndicatorFixture Load()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Trading.Timescale.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"No Trading.Timescale.sln above {AppContext.BaseDirectory} to find tests/fixtures/indicators.");
        }

        var path = Path.Combine(directory.FullName, "tests", "fixtures", "indicators", "indicators.json");
        var document = JsonDocument.Parse(File.ReadAllText(path, Encoding.UTF8));
        return new IndicatorFixture(document, document.RootElement.GetProperty("raw").GetRawText());
    }
}
