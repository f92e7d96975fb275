using System.Text;
using Trading.Timescale.Schema;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Schema;

/// <summary>
/// Snapshots of what the exported script applies, per edition: the settings and the files in order. A schema change
/// shows up here for review.
/// </summary>
public class SchemaScriptSnapshotTests
{
    [Theory]
    [InlineData(TimescaleEdition.Community)]
    [InlineData(TimescaleEdition.Apache)]
    public async Task Exported_script_plan_matches_the_approved_snapshot(TimescaleEdition edition)
    {
        await using var database = TradingDatabase.Create("Host=localhost;Database=trading_db");
        var script = await database.Schema.ExportScriptAsync(edition, TestContext.Current.CancellationToken);

        var plan = new StringBuilder();
        foreach (var line in script.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("set_config(", StringComparison.Ordinal) || trimmed.StartsWith("-- =====", StringComparison.Ordinal))
            {
                plan.Append(trimmed).Append('\n');
            }
        }

        Assert.Contains("set_config('trading_timescale.exchange_time_zone', 'America/New_York', false)", plan.ToString(), StringComparison.Ordinal);
        ApprovedFile.Verify(plan.ToString(), $"export-plan.{edition.ToString().ToLowerInvariant()}");
    }
}
