using Trading.Timescale;
using Trading.Timescale.Queries;
using Trading.Timescale.ScaleOut;
using Trading.Timescale.Testing;

namespace DocumentationExamples;

/// <summary>The samples of docs/scale-out.md.</summary>
internal static class ScaleOutPage
{
    public static async Task<int> ReadYourWritesAsync(IReadOnlyList<StockPrice> bars, CancellationToken cancellationToken)
    {
        await using var trading = TradingDatabase.Create(
            "Host=db1:5432,db2:5432,db3:5432;Database=market;Username=app;Password=...",
            options =>
            {
                options.ReadFrom = ReadFrom.PreferStandby;          // the default
                options.MaxReplicaLag = TimeSpan.FromSeconds(5);    // staler standbys are passed over
            });

        var written = await trading.Ingest.AppendAsync(bars, cancellationToken: cancellationToken);

        // A standby serves this only once it has replayed the ingest's commit; else the primary does.
        var mine = await trading.Queries.Bars("AAPL", BarInterval.OneMinute)
            .ReadYourWrites(written.CommitLsn)
            .ToListAsync(cancellationToken);

        // This one always reads the primary.
        var rsi = await trading.Queries.Rsi("AAPL", BarInterval.FiveMinutes)
            .WithReadFrom(ReadFrom.Primary)
            .ToListAsync(cancellationToken);
        return mine.Count + rsi.Count;
    }

    public static async Task ServersAsync(TradingDatabase trading, CancellationToken cancellationToken)
    {
        foreach (var server in await trading.GetServersAsync(cancellationToken))
        {
            Console.WriteLine($"{server.Host}:{server.Port} {server.Role} lag {server.Lag?.Seconds} s, {server.Lag?.Bytes} bytes");
        }
    }

    public static async Task StandbyForTestsAsync(CancellationToken cancellationToken)
    {
        await using var primary = await TimescaleTestServer.StartAsync(cancellationToken);
        await using var standby = await primary.AddStandbyAsync(cancellationToken);
        await using var database = await primary.CreateDatabaseAsync("routing", cancellationToken);
        var connectionString = primary.MultiHostConnectionString(database, standby);

        await standby.PauseReplayAsync(cancellationToken);   // the standby falls behind
        await standby.ResumeReplayAsync(cancellationToken);
        await standby.WaitForReplayAsync(cancellationToken); // caught up with the primary
        await primary.StopServerAsync(cancellationToken);    // the primary fails...
        await standby.PromoteAsync(cancellationToken);       // ...and the standby takes over
        Console.WriteLine(connectionString);
    }
}
