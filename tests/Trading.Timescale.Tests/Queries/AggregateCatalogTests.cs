using System.Text.RegularExpressions;
using Trading.Timescale.Internal;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Tests.Queries;

/// <summary>The aggregate catalogue is the one list: the SQL files that name aggregates must name exactly its entries.</summary>
public sealed partial class AggregateCatalogTests
{
    [Theory]
    [InlineData("migrations/0007_continuous_aggregates.community.sql")]
    [InlineData("repeatable/20_aggregate_views.apache.sql")]
    [InlineData("repeatable/20_aggregate_policies.community.sql")]
    [InlineData("repeatable/00_settings.sql")]
    public void Schema_files_name_exactly_the_catalogued_aggregates(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "schema", file));
        var named = AggregateName().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(AggregateCatalog.All.Select(a => a.Name).Order(), named.Order());
    }

    [Fact]
    public void The_bar_functions_name_exactly_the_catalogued_bar_aggregates()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "schema", "repeatable", "69_bars_by_width.sql"));
        var named = AggregateName().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(AggregateCatalog.All.Where(a => a.Kind == AggregateKind.Bars).Select(a => a.Name).Order(), named.Order());
    }

    [Fact]
    public void No_file_names_an_aggregate_the_catalogue_does_not_have()
    {
        var root = RepositoryRoot();
        var known = AggregateCatalog.All.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(Path.Combine(root, "schema"), "*.sql", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            .ToList();
        Assert.True(files.Count > 100, $"only {files.Count} files found under {root}");

        var unknown = files
            .SelectMany(f => AggregateLikeName().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(root, f), Name: m.Value)))
            .Where(x => !known.Contains(x.Name))
            .Select(x => $"{x.File}: {x.Name}")
            .Distinct()
            .ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public void The_installer_sets_a_refresh_policy_for_every_aggregate()
    {
        var names = SchemaSettings.From(new TradingTimescaleOptions(), Trading.Timescale.Schema.TimescaleEdition.Community).Select(s => s.Key).ToHashSet();

        foreach (var aggregate in AggregateCatalog.All)
        {
            Assert.Contains($"trading_timescale.refresh_{aggregate.Name}_start_offset", names);
            Assert.Contains($"trading_timescale.refresh_{aggregate.Name}_schedule", names);
        }
    }

    [Fact]
    public void Bars_read_the_aggregate_of_their_width_and_bucket_raw_rows_otherwise()
    {
        using var dataSource = Npgsql.NpgsqlDataSource.Create("Host=localhost");
        var queries = new TradingQueries(dataSource);

        Assert.Equal("trading.stock_prices_1m", queries.Bars(BarInterval.Parse("1m")).Source);
        Assert.Equal("trading.stock_prices_5m", queries.Bars(BarInterval.Parse("5 minutes")).Source);
        Assert.Equal("trading.stock_prices_1h", queries.Bars(BarInterval.Parse("60m")).Source);
        Assert.Equal("trading.stock_prices_1d", queries.Bars(BarInterval.Parse("1d")).Source);
        Assert.Null(queries.Bars(BarInterval.Parse("15m")).Source);
        Assert.Null(queries.Bars(BarInterval.Parse("24h")).Source);
        Assert.All(AggregateCatalog.All, a => Assert.Contains(a.Name, a.Edition(community: false) + a.QualifiedName, StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Trading.Timescale.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Trading.Timescale.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\b(stock_prices_(1m|5m|1h|1d)|options_volume_1h|signal_performance_1d)\b")]
    private static partial Regex AggregateName();

    // Any name shaped like an aggregate of the schema, catalogued or not.
    [GeneratedRegex(@"\b(stock_prices|options_volume|signal_performance|options_data|signals)_[0-9]+(s|m|h|d|w)\b")]
    private static partial Regex AggregateLikeName();
}
