using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Trading.Timescale.DependencyInjection.Internal;

/// <summary>Applies pending schema migrations at start-up when <see cref="TradingTimescaleOptions.ApplySchemaOnStartup"/> is set.</summary>
internal sealed partial class TradingSchemaHostedService(IServiceProvider services, IOptions<TradingTimescaleOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ApplySchemaOnStartup)
        {
            return;
        }

        var logger = (ILogger?)services.GetService<ILogger<TradingSchemaHostedService>>() ?? NullLogger.Instance;
        var database = services.GetRequiredService<TradingDatabase>();
        var report = await database.Schema.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (report.Applied.Count == 0)
        {
            LogUpToDate(logger, report.Database, report.Server.ToString());
        }
        else
        {
            LogApplied(logger, report.Applied.Count, report.Database, string.Join(", ", report.Applied.Select(a => a.Id)), (long)report.Elapsed.TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Trading schema of database {Database} is up to date on {Server}")]
    private static partial void LogUpToDate(ILogger logger, string database, string server);

    [LoggerMessage(2, LogLevel.Information, "Applied {Count} trading schema file(s) to database {Database} at start-up: {Ids} ({ElapsedMs} ms)")]
    private static partial void LogApplied(ILogger logger, int count, string database, string ids, long elapsedMs);
}
