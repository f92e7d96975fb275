using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Trading.Timescale.Internal;

/// <summary>
/// Retries of transient failures with Polly's resilience pipeline, within the budget of <see cref="RetryOptions"/>:
/// which failures are transient, the back-off of writes, the single retry of reads, and the log line and counter of
/// every retry. Writes build one pipeline per call, because whether a failed attempt can run again depends on what
/// the call still holds in memory.
/// </summary>
internal sealed partial class TransientRetry(RetryOptions options, ILogger? logger = null)
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NpgsqlDataSource, TransientRetry> ByDataSource = new();

    /// <summary>The default budget, without logging: for the capabilities built outside <see cref="TradingDatabase"/>.</summary>
    public static TransientRetry Default { get; } = new(new RetryOptions());

    /// <summary>The retries of the <see cref="TradingDatabase"/> that uses <paramref name="dataSource"/>, else <see cref="Default"/>.</summary>
    public static TransientRetry For(NpgsqlDataSource dataSource) => ByDataSource.TryGetValue(dataSource, out var retry) ? retry : Default;

    /// <summary>Makes <paramref name="retry"/> the one of the query builders over <paramref name="dataSource"/>.</summary>
    public static void Register(NpgsqlDataSource dataSource, TransientRetry retry) => ByDataSource.AddOrUpdate(dataSource, retry);

    /// <summary>
    /// Opens a connection and runs <paramref name="sql"/> as a reader, retried once on a broken connection (see
    /// <see cref="ForRead"/>). <paramref name="parameters"/> makes new parameters for each attempt.
    /// </summary>
    public static async Task<(NpgsqlConnection Connection, NpgsqlCommand Command, NpgsqlDataReader Reader)> OpenReaderAsync(
        NpgsqlDataSource dataSource, string operation, string sql, Func<IEnumerable<NpgsqlParameter>> parameters, CancellationToken cancellationToken) =>
        await OpenReaderAsync(dataSource, dataSource.OpenConnectionAsync, operation, sql, parameters, cancellationToken).ConfigureAwait(false);

    /// <summary>As above, with the connection opened by <paramref name="open"/> (a read routed to a primary or a standby).</summary>
    public static async Task<(NpgsqlConnection Connection, NpgsqlCommand Command, NpgsqlDataReader Reader)> OpenReaderAsync(
        NpgsqlDataSource dataSource, Func<CancellationToken, ValueTask<NpgsqlConnection>> open, string operation, string sql, Func<IEnumerable<NpgsqlParameter>> parameters,
        CancellationToken cancellationToken)
    {
        var pipeline = For(dataSource).ForRead(operation, dataSource, static () => true);
        return await pipeline.ExecuteAsync(
            static async (state, ct) =>
            {
                var connection = await state.open(ct).ConfigureAwait(false);
                NpgsqlCommand? command = null;
                try
                {
                    command = new NpgsqlCommand(state.sql, connection);
                    command.Parameters.AddRange(state.parameters().ToArray());
                    var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct).ConfigureAwait(false);
                    return (connection, command, reader);
                }
                catch
                {
                    command?.Dispose();
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            (open, sql, parameters),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The budget.</summary>
    public RetryOptions Options => options;

    private ILogger Logger { get; } = logger ?? NullLogger.Instance;

    /// <summary>
    /// The pipeline of one write: exponential back-off with jitter from <see cref="RetryOptions.BaseDelay"/> up to
    /// <see cref="RetryOptions.MaxDelay"/>; a failed attempt runs again while <paramref name="canRetry"/> accepts the
    /// exception, fewer than <paramref name="maxAttempts"/> (else <see cref="RetryOptions.MaxAttempts"/>) attempts ran
    /// and <see cref="RetryOptions.MaxRetryTime"/> has not passed since the first failure.
    /// </summary>
    public ResiliencePipeline ForWrite(string operation, NpgsqlDataSource dataSource, Func<Exception, bool> canRetry, int? maxAttempts = null, Action? onRetry = null)
    {
        var attempts = maxAttempts ?? options.MaxAttempts;
        if (attempts <= 1 || options.MaxRetryTime <= TimeSpan.Zero)
        {
            return ResiliencePipeline.Empty;
        }

        long firstFailure = 0;
        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = attempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            ShouldHandle = args =>
            {
                if (args.Outcome.Exception is not { } ex || !canRetry(ex))
                {
                    return ValueTask.FromResult(false);
                }

                if (firstFailure == 0)
                {
                    firstFailure = Stopwatch.GetTimestamp();
                }

                return ValueTask.FromResult(Stopwatch.GetElapsedTime(firstFailure) < options.MaxRetryTime);
            },
            OnRetry = args =>
            {
                Record(operation, dataSource, args.Outcome.Exception!, args.AttemptNumber + 2, attempts, args.RetryDelay);
                onRetry?.Invoke();
                return default;
            },
        }).Build();
    }

    /// <summary>
    /// The pipeline of an idempotent read: one more attempt, at once, when the first failed on a broken connection
    /// before any row was read (a pooled connection the server closed, for example by a restart). The pool's idle
    /// connections are dropped first, since they are most likely broken the same way.
    /// </summary>
    public ResiliencePipeline ForRead(string operation, NpgsqlDataSource dataSource, Func<bool> nothingReadYet) =>
        new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 1,
            Delay = TimeSpan.Zero,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsBrokenConnection(ex) && nothingReadYet()),
            OnRetry = args =>
            {
                dataSource.Clear();
                Record(operation, dataSource, args.Outcome.Exception!, 2, 2, TimeSpan.Zero);
                return default;
            },
        }).Build();

    /// <summary>
    /// Whether <paramref name="exception"/> is a failure that a later attempt on a new connection may not meet: a lost
    /// or refused connection, a server shutting down, crashing or starting (57P01, 57P02, 57P03), a connection failure
    /// (08xxx), too many connections (53300), or a serialization failure or deadlock (40001, 40P01). A command timeout is
    /// not: the statement ran too long, and would again.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => IsTransientState(pg.SqlState),
        _ => IsBrokenConnection(exception),
    };

    /// <summary>Whether <paramref name="exception"/> says the connection is gone (or could not be made), not a refused statement.</summary>
    public static bool IsBrokenConnection(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException { InnerException: TimeoutException } => false,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException,
        IOException or SocketException => true,
        _ => false,
    };

    /// <summary>A short description of a failure for logs and messages: the SQLSTATE and message, or the exception's message and cause.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState + ": " + pg.MessageText,
        { InnerException: { } inner } => $"{exception.Message} ({inner.Message})",
        _ => exception.Message,
    };

    private static bool IsTransientState(string sqlState) =>
        sqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or "57P01" or "57P02" or "57P03" or "53300"
        || sqlState.StartsWith("08", StringComparison.Ordinal);

    private static string ErrorType(Exception exception) =>
        exception is PostgresException pg ? pg.SqlState : (exception.InnerException ?? exception).GetType().Name;

    private void Record(string operation, NpgsqlDataSource dataSource, Exception exception, int attempt, int attempts, TimeSpan delay)
    {
        TradingTelemetry.RecordRetry(operation, ErrorType(exception), dataSource);
        LogRetry(Logger, operation, TradingConnectionString.Where(dataSource.ConnectionString), attempt, attempts, (long)delay.TotalMilliseconds, Describe(exception));
    }

    [LoggerMessage(901, LogLevel.Warning, "Retrying {Operation} on {Server}: attempt {Attempt} of {MaxAttempts} in {DelayMs} ms, after a transient failure: {Error}")]
    private static partial void LogRetry(ILogger logger, string operation, string server, int attempt, int maxAttempts, long delayMs, string error);
}
