using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Internal;

namespace Trading.Timescale.DependencyInjection.Internal;

/// <summary>
/// Applies pending schema migrations at start-up when <see cref="TradingTimescaleOptions.ApplySchemaOnStartup"/> is set,
/// retrying with back-off for <see cref="TradingTimescaleOptions.StartupRetryTimeout"/> while the database cannot be reached.
/// </summary>
internal sealed partial class TradingSchemaHostedService(IServiceProvider services, IOptions<TradingTimescaleOptions> options) : IHostedService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ApplySchemaOnStartup)
        {
            return;
        }

        var logger = (ILogger?)services.GetService<ILogger<TradingSchemaHostedService>>() ?? NullLogger.Instance;
        var database = services.GetRequiredService<TradingDatabase>();
        var report = await MigrateWithRetryAsync(database, options.Value.StartupRetryTimeout, logger, cancellationToken).ConfigureAwait(false);
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

    private static async Task<SchemaMigrationReport> MigrateWithRetryAsync(TradingDatabase database, TimeSpan retryFor, ILogger logger, CancellationToken cancellationToken)
    {
        var where = TradingConnectionString.Where(database.DataSource.ConnectionString);
        var waited = Stopwatch.StartNew();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await database.Schema.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested && IsUnreachable(ex))
            {
                var left = retryFor - waited.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    throw new TradingSchemaException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Cannot apply the trading schema at start-up: the database {where} could not be reached in {attempt} attempt(s) over {waited.Elapsed.TotalSeconds:0.#} s " +
                        $"(TradingTimescale:StartupRetryTimeout is {retryFor:c}). The last attempt failed with: {Describe(ex)}. Check that the server runs and accepts connections there, or allow it more time with TradingTimescale:StartupRetryTimeout."),
                        ex);
                }

                var wait = delay < left ? delay : left;
                LogRetrying(logger, attempt, where, Describe(ex), (long)wait.TotalMilliseconds);
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestDelay.Ticks));
            }
        }
    }

    /// <summary>A server that is not up yet: no answer, a refused or broken connection, or a server still starting.</summary>
    private static bool IsUnreachable(NpgsqlException ex) =>
        ex is not PostgresException postgres || ex.IsTransient || PostgresErrors.IsServerStartingOrStopping(postgres);

    private static string Describe(Exception ex) =>
        ex.InnerException is { } inner && ex is not PostgresException ? $"{ex.Message} ({inner.Message})" : ex.Message;

    [LoggerMessage(1, LogLevel.Information, "Trading schema of database {Database} is up to date on {Server}")]
    private static partial void LogUpToDate(ILogger logger, string database, string server);

    [LoggerMessage(2, LogLevel.Information, "Applied {Count} trading schema file(s) to database {Database} at start-up: {Ids} ({ElapsedMs} ms)")]
    private static partial void LogApplied(ILogger logger, int count, string database, string ids, long elapsedMs);

    [LoggerMessage(3, LogLevel.Warning, "Attempt {Attempt} to reach the trading database {Where} at start-up failed: {Error}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, int attempt, string where, string error, long delayMs);
}
