using NodaTime;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Ingest;

/// <summary>
/// Settings of an ingest call: batch size, transactions, invalid-row handling and the validation limits. Pass one to
/// <see cref="TradingIngest"/> as the default and, with <c>with { ... }</c>, to a single call to override it.
/// </summary>
public sealed record IngestOptions
{
    /// <summary>The default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 50_000;

    /// <summary>The largest <see cref="BatchSize"/> accepted.</summary>
    public const int MaxBatchSize = 1_000_000;

    /// <summary>The defaults.</summary>
    public static IngestOptions Default { get; } = new();

    /// <summary>
    /// Valid rows per batch (1 to 1,000,000). A batch is one COPY (an append streams it as rows are read; an upsert
    /// holds the batch's row references, then copies and merges them), and the unit of commit under
    /// <see cref="IngestTransactionMode.TransactionPerBatch"/>. Memory stays the same for any input size.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>One transaction for the call (default: nothing is written on failure) or one per batch.</summary>
    public IngestTransactionMode TransactionMode { get; init; } = IngestTransactionMode.SingleTransaction;

    /// <summary>Fail on the first invalid batch (default) or leave invalid rows out and report them.</summary>
    public InvalidRowHandling InvalidRows { get; init; } = InvalidRowHandling.Reject;

    /// <summary>How far past the clock's current time a row's <c>timestamp</c> may lie (default 1 day).</summary>
    public Duration FutureTolerance { get; init; } = Duration.FromDays(1);

    /// <summary>How many years after the quote's date an option may expire (default 10).</summary>
    public int MaxYearsToExpiration { get; init; } = 10;

    /// <summary>
    /// The IANA time zone of the exchange calendar (default <c>America/New_York</c>): an option may not expire
    /// before the quote's date in this zone.
    /// </summary>
    public string ExchangeTimeZone { get; init; } = SchemaSettings.DefaultExchangeTimeZone;

    /// <summary>
    /// Whether ingestion keeps <c>trading.latest_stock_prices</c> and <c>trading.latest_option_quotes</c> current in
    /// the same transaction as the rows (default <see langword="true"/>).
    /// </summary>
    public bool UpdateLatest { get; init; } = true;

    /// <summary>The default <see cref="MaxRejectedRowsKept"/>.</summary>
    public const int DefaultMaxRejectedRowsKept = 1_000;

    /// <summary>
    /// How many rejected rows <see cref="IngestResult.Rejected"/> (under <see cref="InvalidRowHandling.Skip"/>) and
    /// <see cref="IngestValidationException.Errors"/> keep in memory (default 1,000, at most 1,000,000). Every rejected
    /// row is still counted (<see cref="IngestResult.RowsRejected"/>) and passed to <see cref="OnRejectedRow"/>, so a
    /// file full of bad rows costs no more memory than a clean one.
    /// </summary>
    public int MaxRejectedRowsKept { get; init; } = DefaultMaxRejectedRowsKept;

    /// <summary>
    /// Called with every row refused under <see cref="InvalidRowHandling.Skip"/>, in input order, as soon as it is
    /// refused (before its batch is committed): stream rejects to a file here, for example with
    /// <see cref="IngestRejectsWriter"/>. An exception it throws fails the call like an input error.
    /// </summary>
    public Func<IngestRowError, CancellationToken, ValueTask>? OnRejectedRow { get; init; }

    /// <summary>
    /// The time each statement of the call may take (COPY, merge, snapshot update, commit); default 30 seconds,
    /// <see cref="TimeSpan.Zero"/> for no limit. A statement that runs longer fails the call with an
    /// <see cref="TradingIngestException"/> and the open transaction is rolled back.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a batch may be retried after a transient failure (a lost connection, a server restart, a
    /// serialization failure or deadlock), 0 to 99; <see langword="null"/> (the default) uses the budget of
    /// <see cref="TradingTimescaleOptions.Retry"/> (<see cref="RetryOptions.MaxAttempts"/> attempts in all). Only a batch
    /// that is the whole of its transaction can be retried (<see cref="IngestTransactionMode.TransactionPerBatch"/>, or
    /// the first batch of a call); each retry is counted in <see cref="IngestResult.Retries"/>.
    /// </summary>
    public int? MaxRetries { get; init; }

    /// <summary>Throws when a setting is out of range, listing every one that is.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range; each message names it.</exception>
    internal void Validate() => new OptionsFailures<IngestOptions>()
        .Require(BatchSize is >= 1 and <= MaxBatchSize, $"IngestOptions.BatchSize is {BatchSize}; use 1 to {MaxBatchSize:N0}.")
        .Require(FutureTolerance >= Duration.Zero, $"IngestOptions.FutureTolerance is {FutureTolerance}; it cannot be negative.")
        .Require(MaxYearsToExpiration is >= 0 and <= 100, $"IngestOptions.MaxYearsToExpiration is {MaxYearsToExpiration}; use 0 to 100.")
        .Require(MaxRejectedRowsKept is >= 0 and <= 1_000_000, $"IngestOptions.MaxRejectedRowsKept is {MaxRejectedRowsKept}; use 0 to 1,000,000.")
        .Require(CommandTimeout >= TimeSpan.Zero && CommandTimeout.TotalSeconds <= int.MaxValue, $"IngestOptions.CommandTimeout is {CommandTimeout}; use TimeSpan.Zero (no limit) or a positive time.")
        .Require(MaxRetries is null or (>= 0 and < RetryOptions.MaxAttemptsLimit), $"IngestOptions.MaxRetries is {MaxRetries}; use 0 to {RetryOptions.MaxAttemptsLimit - 1}, or null for TradingTimescale:Retry.")
        .Require(DateTimeZoneProviders.Tzdb.GetZoneOrNull(ExchangeTimeZone ?? string.Empty) is not null, UnknownZone)
        .ThrowIfAny();

    /// <summary>The command timeout in whole seconds, as Npgsql takes it (0 = none).</summary>
    internal int CommandTimeoutSeconds => (int)Math.Ceiling(CommandTimeout.TotalSeconds);

    internal DateTimeZone ResolveExchangeZone() =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(ExchangeTimeZone ?? string.Empty)
        ?? throw new ArgumentException(UnknownZone);

    private string UnknownZone => $"IngestOptions.ExchangeTimeZone '{ExchangeTimeZone}' is not an IANA time zone such as America/New_York.";
}
