using System.Text.RegularExpressions;
using Trading.Timescale.Queries.Internal;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Queries;

public sealed partial class BarDefinitionTests
{
    private const string ScriptPath = "schema/repeatable/69_bars_by_width.sql";

    [Fact]
    public void The_bars_script_is_the_one_generated_from_the_bar_definition()
    {
        var path = Path.Combine(Repository.Root, ScriptPath);
        var generated = BarDefinition.Script();
        if (Environment.GetEnvironmentVariable("TRADING_TIMESCALE_APPROVE") == "1")
        {
            File.WriteAllText(path, generated);
        }

        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        Assert.True(
            committed == generated,
            $"{ScriptPath} differs from BarDefinition.Script(): regenerate it with TRADING_TIMESCALE_APPROVE=1 dotnet test tests/Trading.Timescale.Tests --filter FullyQualifiedName~BarDefinitionTests");
    }

    [Fact]
    public void The_script_reads_every_bar_aggregate_of_the_catalogue_and_buckets_other_widths_from_raw_rows()
    {
        var script = BarDefinition.Script();

        Assert.Contains("WHEN INTERVAL '5 minutes' THEN 'stock_prices_5m'", script, StringComparison.Ordinal);
        Assert.Contains("p_width = INTERVAL '1 day' THEN", script, StringComparison.Ordinal);
        Assert.Contains("FROM trading.stock_prices_1d AS a", script, StringComparison.Ordinal);
        Assert.Contains("ELSIF p_width >= INTERVAL '1 day' THEN", script, StringComparison.Ordinal);
        Assert.Contains("time_bucket(p_width, s.\"timestamp\", (SELECT trading.exchange_time_zone()))", script, StringComparison.Ordinal);
        Assert.Contains("first(s.\"open_price\", s.\"timestamp\") AS \"open\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public void No_other_code_writes_out_the_ohlcv_of_raw_rows()
    {
        // The aggregates' own definitions (migration 0007, the apache views) stay SQL text; everything else composes
        // bars through BarDefinition (C#) or trading.bars_by_width (the generated SQL).
        var root = Repository.Root;
        var allowed = new[]
        {
            ScriptPath,
            "schema/migrations/0007_continuous_aggregates.community.sql",
            "schema/repeatable/20_aggregate_views.apache.sql",
            "src/Trading.Timescale/Queries/Internal/BarDefinition.cs",
        };
        var files = Directory.EnumerateFiles(Path.Combine(root, "schema"), "*.sql", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} files found under {root}");

        var copies = files.Where(f => !allowed.Contains(f) && FirstOpen().IsMatch(File.ReadAllText(Path.Combine(root, f)))).ToList();

        Assert.Empty(copies);
    }

    [GeneratedRegex(@"first\(\s*(?:[a-z]+\.)?""?open_price""?\s*,", RegexOptions.IgnoreCase)]
    private static partial Regex FirstOpen();
}
