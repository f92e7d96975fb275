using Trading.Timescale;
using Trading.Timescale.Schema;

namespace WorkerService;

/// <summary>The settings examples of docs/installer.md, compiled here.</summary>
internal static class SettingsExamples
{
    public static async Task ChangeRetentionAsync(string connectionString, CancellationToken ct)
    {
        await using var db = TradingDatabase.Create(connectionString, o => o.Retention.StockPrices = TimescaleInterval.FromDays(120));
        var report = await db.Schema.MigrateAsync(new SchemaMigrationOptions { ApplySettingChanges = true }, ct);
        foreach (var change in report.AppliedSettingChanges)
            Console.WriteLine(change);                        // Retention:StockPrices: 90 days → 120 days
    }
}
