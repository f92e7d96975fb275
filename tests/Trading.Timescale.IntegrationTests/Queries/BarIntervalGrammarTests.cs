using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Queries;

namespace Trading.Timescale.IntegrationTests.Queries;

/// <summary>The C# parser and <c>trading.parse_bar_interval</c> accept and refuse the same texts, with the same meaning.</summary>
public sealed class BarIntervalGrammarTests(TimescaleServerFixture server) : QueryTest(server)
{
    private static readonly string[] Texts =
    [
        // accepted
        "30s", "1w", "5m", "5M", "15 minutes", "1 minute", "1 hour", "4 hours", "1 day", "'5 minutes'", "\"1h\"", " 4h ", "\t2h\n",
        "90days", "1 hour 30 minutes", "1h30m", "1 day, 2 hours", "2 weeks", "1 month", "3 mons", "1y", "1 year 6 months", "2 YRS",
        "45 secs", "7 Days", "P1D", "PT5M", "pt1h", "P1W", "P1Y2M", "P1DT2H", "PT90S", "999999999 hours", "999999999h 999999999h",
        // refused
        "", " ", "''", "0m", "0 days", "-5m", "+5m", "5", "m", "1.5h", "5 fortnights", "1 month 2 days", "P1M1D", "1 mon 1 hour", "10:00",
        "00:05:00", "@ 5 minutes", "5 minutes ago", "P", "PT", "P1", "1e3m", "5 m m", "5ms", "500 milliseconds", "1h,", "1h 30",
        "9999999999m", "999999999h 999999999h 999999999h", "999999999 years", "'5m", "5m'", "interval '5 minutes'", "5 minutes; drop table x",
    ];

    [Fact]
    public async Task Csharp_and_sql_read_each_text_alike()
    {
        var disagreements = new List<string>();
        foreach (var text in Texts)
        {
            if (await DisagreementAsync(text) is { } disagreement)
            {
                disagreements.Add(disagreement);
            }
        }

        Assert.Empty(disagreements);
        Assert.True(BarInterval.TryParse("1h30m", out var sample) && sample == TimescaleInterval.FromMinutes(90));
    }

    private async Task<string?> DisagreementAsync(string text)
    {
        var parsed = BarInterval.TryParse(text, out var interval);

        await using var command = DataSource.CreateCommand("""
            SELECT (extract(year FROM w) * 12 + extract(month FROM w))::bigint, extract(day FROM w)::bigint,
                   (extract(hour FROM w)::numeric * 3600000000 + extract(minute FROM w)::numeric * 60000000 + extract(microseconds FROM w))::bigint
            FROM trading.parse_bar_interval($1) AS w
            """);
        command.Parameters.AddWithValue(text);
        long[]? sql = null;
        string? refusal = null;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            sql = [reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)];
        }
        catch (PostgresException error) when (error.SqlState == "22023")
        {
            refusal = error.MessageText;
        }

        if (parsed != (sql is not null))
        {
            return $"'{text}': C# {(parsed ? "accepts " + interval : "refuses")}, SQL {(sql is null ? "refuses: " + refusal : "accepts")}";
        }

        return parsed && !sql!.SequenceEqual([interval.Months, interval.Days, interval.Microseconds])
            ? $"'{text}': C# reads {interval.Months} months {interval.Days} days {interval.Microseconds} us, SQL {sql![0]} months {sql[1]} days {sql[2]} us"
            : null;
    }
}
