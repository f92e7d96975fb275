using Trading.Timescale.Queries;

namespace Trading.Timescale.Tests.Queries;

public sealed class IndicatorDefaultsTests
{
    [Fact]
    public void The_SQL_macd_without_periods_uses_the_library_defaults()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "Trading.Timescale.sln")))
        {
            directory = directory.Parent;
        }

        var sql = File.ReadAllText(Path.Combine(directory.FullName, "schema", "repeatable", "72_trend.sql"));
        Assert.Contains(
            $"trading.calculate_macd(p_symbol, {IndicatorDefaults.MacdFastPeriod}, {IndicatorDefaults.MacdSlowPeriod}, {IndicatorDefaults.MacdSignalPeriod}, p_interval, p_from, p_to)",
            sql,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Builders_without_a_period_use_the_defaults()
    {
        using var dataSource = Npgsql.NpgsqlDataSource.Create("Host=localhost");
        var queries = new TradingQueries(dataSource);
        var interval = TimescaleInterval.FromMinutes(5);

        Assert.Equal(queries.MovingAverage("AAPL", interval, IndicatorDefaults.MovingAveragePeriod).ToString(), queries.MovingAverage("AAPL", interval).ToString());
        Assert.Equal(queries.Ema("AAPL", interval, IndicatorDefaults.EmaPeriod).ToString(), queries.Ema("AAPL", interval).ToString());
        Assert.NotEqual(queries.Ema("AAPL", interval, IndicatorDefaults.EmaPeriod + 1).ToString(), queries.Ema("AAPL", interval).ToString());
    }
}
