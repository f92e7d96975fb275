using Trading.Timescale.ScaleOut;

namespace Trading.Timescale;

/// <summary>
/// Settings of the trading database: where it is, the exchange's time zone, and the chunk, compression,
/// retention and continuous-aggregate refresh intervals the schema installer writes into the database.
/// Binds from the configuration section <see cref="SectionName"/>.
/// <para>
/// The database keeps the schema settings it was installed with (table <c>trading.settings</c>). A setting left unset
/// here keeps the database's value (a new database gets the default named on the property). A set value that differs
/// from the database's is not applied by a routine migration: it is logged as a warning and listed in
/// <see cref="Schema.SchemaMigrationReport.DeclinedSettingChanges"/>, and applied only when
/// <see cref="Schema.SchemaMigrationOptions.ApplySettingChanges"/> asks for it.
/// </para>
/// </summary>
public sealed class TradingTimescaleOptions
{
    /// <summary>The configuration section these options are read from: <c>TradingTimescale</c>.</summary>
    public const string SectionName = "TradingTimescale";

    /// <summary>An Npgsql connection string or a <c>postgresql://</c> URL. Not needed when a data source is supplied.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The tz database name of the exchange's time zone, which decides the calendar day of daily aggregates. Fixed when
    /// the database is installed. Default: America/New_York.
    /// </summary>
    public string? ExchangeTimeZone { get; set; }

    /// <summary>Chunk intervals of the hypertables.</summary>
    public ChunkIntervalOptions ChunkIntervals { get; set; } = new();

    /// <summary>Age after which chunks are compressed (community edition). Default: 7 days.</summary>
    public TimescaleInterval? CompressAfter { get; set; }

    /// <summary>How long each table keeps its rows.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>Refresh windows and schedules of the continuous aggregates (community edition).</summary>
    public RefreshOptions Refresh { get; set; } = new();

    /// <summary>
    /// The retry budget for transient failures (lost connection, server restart, failover, serialization failure,
    /// deadlock): attempts, total time and back-off of writes.
    /// </summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Whether the hosted service applies pending migrations when the application starts.</summary>
    public bool ApplySchemaOnStartup { get; set; }

    /// <summary>
    /// With <see cref="ApplySchemaOnStartup"/>: how long the host keeps retrying, with back-off, while the database cannot be
    /// reached (a server still starting, a network not up yet): 1 minute by default; <see cref="TimeSpan.Zero"/> tries once.
    /// Each failed attempt is logged as a warning naming host, port and database.
    /// </summary>
    public TimeSpan StartupRetryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a migration waits for another installer's lock before it gives up: 10 minutes by default.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Which server query builders and typed reads use when <see cref="ConnectionString"/> lists a primary and its
    /// standbys (<c>Host=primary:5432,standby1:5432</c>): <see cref="ScaleOut.ReadFrom.PreferStandby"/> by default.
    /// A query can choose otherwise (<see cref="Queries.TradingQuery{T}.WithReadFrom"/>). Writes always go to the primary.
    /// </summary>
    public ReadFrom ReadFrom { get; set; } = ReadFrom.PreferStandby;

    /// <summary>
    /// The replication lag beyond which a standby does not serve reads: when every standby lags more, reads go to the
    /// primary. The lag is the time since the standby last replayed a transaction while it has received more than it
    /// replayed (0 when it has replayed all it received). <see langword="null"/> (the default) sets no limit and skips the check.
    /// </summary>
    public TimeSpan? MaxReplicaLag { get; set; }

    /// <summary>The time one schema statement may run: 30 minutes by default.</summary>
    public TimeSpan SchemaCommandTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
