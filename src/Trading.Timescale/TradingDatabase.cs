using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.Live;
using Trading.Timescale.Operations;
using Trading.Timescale.Internal;
using Trading.Timescale.Positions;
using Trading.Timescale.Queries;
using Trading.Timescale.ScaleOut.Internal;
using Trading.Timescale.Schema;

namespace Trading.Timescale;

/// <summary>
/// The trading database: the entry point of the library. It holds the Npgsql data source (with NodaTime types),
/// the options, and one object per capability, starting with <see cref="Schema"/>. Resolve it from dependency
/// injection (<c>services.AddTradingTimescale(...)</c>) or create it with <see cref="Create"/>.
/// </summary>
public sealed partial class TradingDatabase : IAsyncDisposable, IDisposable
{
    private readonly bool _ownsDataSource;

    /// <summary>Creates the database over an existing data source, which stays the caller's to dispose.</summary>
    /// <param name="dataSource">The data source; it should be built with <c>UseNodaTime()</c> (<see cref="TradingDataSource.Create"/> does).</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">Creates the loggers of the capabilities; none when omitted.</param>
    /// <param name="clock">The clock of the future-timestamp rule and of position trades; <see cref="SystemClock.Instance"/> when omitted.</param>
    /// <param name="ingestOptions">The default options of <see cref="Ingest"/>; <see cref="IngestOptions.Default"/> with the exchange time zone of <paramref name="options"/> when omitted.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting of <paramref name="ingestOptions"/> is out of range; the messages name each one.</exception>
    public TradingDatabase(
        NpgsqlDataSource dataSource,
        TradingTimescaleOptions options,
        ILoggerFactory? loggerFactory = null,
        IClock? clock = null,
        IngestOptions? ingestOptions = null)
        : this(dataSource, options, loggerFactory, clock, ingestOptions, ownsDataSource: false)
    {
    }

    private TradingDatabase(
        NpgsqlDataSource dataSource, TradingTimescaleOptions options, ILoggerFactory? loggerFactory, IClock? clock, IngestOptions? ingestOptions, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        DataSource = dataSource;
        Options = options;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        clock ??= SystemClock.Instance;
        _ownsDataSource = ownsDataSource;
        var retry = new TransientRetry(options.Retry ?? new RetryOptions(), LoggerFactory.CreateLogger<TradingDatabase>());
        // With several hosts, every write goes to the primary and reads follow ReadFrom.
        ReadRouter.Register(dataSource, options.ReadFrom, options.MaxReplicaLag);
        PrimaryDataSource = ReadRouter.PrimaryOf(dataSource);
        TransientRetry.Register(PrimaryDataSource, retry);
        Schema = new TradingSchemaInstaller(PrimaryDataSource, options, LoggerFactory.CreateLogger<TradingSchemaInstaller>());
        Ingest = new TradingIngest(PrimaryDataSource, ingestOptions ?? IngestOptions.Default with { ExchangeTimeZone = options.ExchangeTimeZone ?? SchemaSettings.DefaultExchangeTimeZone }, clock)
        {
            Logger = LoggerFactory.CreateLogger<TradingIngest>(),
            Retry = retry,
        };
        Positions = new TradingPositions(PrimaryDataSource, clock);
        TransientRetry.Register(dataSource, retry);
        Queries = new TradingQueries(dataSource);
        Live = new TradingLive(dataSource, PrimaryDataSource, LoggerFactory.CreateLogger<TradingLive>());
        Operations = new TradingOperations(PrimaryDataSource, options);
        Backups = new TradingBackups(dataSource);
    }

    /// <summary>The Npgsql data source, with NodaTime type mapping when the library built it.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The options.</summary>
    public TradingTimescaleOptions Options { get; }

    /// <summary>
    /// The data source of writes: with a multi-host connection string, <see cref="DataSource"/> targeted at the primary
    /// (<see cref="TargetSessionAttributes.Primary"/>); with one host, <see cref="DataSource"/> itself.
    /// </summary>
    public NpgsqlDataSource PrimaryDataSource { get; }

    /// <summary>The schema installer: migrate, status, health, assert and export.</summary>
    public TradingSchemaInstaller Schema { get; }

    /// <summary>Ingestion: validated binary COPY and upsert for every hypertable, keeping the latest-quote snapshots current.</summary>
    public TradingIngest Ingest { get; }

    /// <summary>Reading: typed reads, latest snapshots, bars, indicators, options and signal analytics through immutable query builders.</summary>
    public TradingQueries Queries { get; }

    /// <summary>Live data: subscriptions to new bars, signals and system events, woken by notify triggers (<c>trading_live</c>).</summary>
    public TradingLive Live { get; }

    /// <summary>Positions: open, add, reduce and close with a trade ledger, mark to market and the portfolio summary.</summary>
    public TradingPositions Positions { get; }

    /// <summary>Creates the loggers of the capabilities.</summary>
    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>
    /// Creates the database and its own data source (<see cref="TradingDataSource.Create"/>: NodaTime types) from a
    /// connection string or <c>postgresql://</c> URL; disposing the database disposes that data source.
    /// </summary>
    /// <param name="connectionStringOrUrl">An Npgsql connection string or a <c>postgresql://user:password@host:port/database</c> URL.</param>
    /// <param name="configure">Changes the options from their defaults.</param>
    /// <param name="loggerFactory">Creates the loggers (of Npgsql too); none when omitted.</param>
    /// <param name="configureDataSource">Changes the data source builder after the library's settings (a password provider, TLS callbacks...).</param>
    /// <returns>The database.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionStringOrUrl"/> is empty or cannot be read.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message names each setting.</exception>
    public static TradingDatabase Create(
        string connectionStringOrUrl,
        Action<TradingTimescaleOptions>? configure = null,
        ILoggerFactory? loggerFactory = null,
        Action<NpgsqlDataSourceBuilder>? configureDataSource = null)
    {
        var connectionString = TradingConnectionString.Normalize(connectionStringOrUrl);
        var options = new TradingTimescaleOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        TradingTimescaleOptionsValidator.ThrowIfInvalid(options, requireConnectionString: true);
        var dataSource = TradingDataSource.Create(options.ConnectionString!, loggerFactory, configureDataSource);
        return new TradingDatabase(dataSource, options, loggerFactory, clock: null, ingestOptions: null, ownsDataSource: true);
    }

    /// <summary>Disposes the data source when this database created it.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the data source when this database created it.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            DataSource.Dispose();
        }
    }
}
