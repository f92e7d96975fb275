using Trading.Timescale;
using Trading.Timescale.Schema;

namespace DocumentationExamples;

/// <summary>The samples of docs/installer.md.</summary>
internal static class InstallerPage
{
    public static async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = TradingDatabase.Create(Environment.GetEnvironmentVariable("DATABASE_URL")!);
        SchemaMigrationReport report = await db.Schema.MigrateAsync(ct);
        foreach (var applied in report.Applied)
            Console.WriteLine($"{applied.Id} {applied.ExecutionTime.TotalMilliseconds} ms");

        string sql = await db.Schema.ExportScriptAsync(TimescaleEdition.Community, ct);
        Console.WriteLine(sql.Length);
    }
}
