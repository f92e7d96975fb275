namespace Trading.Timescale.Schema;

/// <summary>
/// The state of the trading database: TimescaleDB version and edition, migrations, hypertables with their
/// chunks, and, where the edition offers them, continuous aggregates, policies (jobs) and compression.
/// </summary>
public sealed class SchemaHealth
{
    internal SchemaHealth(
        string database,
        TimescaleServerInfo server,
        IReadOnlyList<string> pendingMigrations,
        IReadOnlyList<HypertableHealth> hypertables,
        SchemaFeatureHealth<ContinuousAggregateHealth> continuousAggregates,
        SchemaFeatureHealth<JobHealth> jobs,
        SchemaFeatureHealth<CompressionHealth> compression,
        IReadOnlyList<string> problems)
    {
        Database = database;
        Server = server;
        PendingMigrations = pendingMigrations;
        Hypertables = hypertables;
        ContinuousAggregates = continuousAggregates;
        Jobs = jobs;
        Compression = compression;
        Problems = problems;
    }

    /// <summary>The database name.</summary>
    public string Database { get; }

    /// <summary>The server's PostgreSQL and TimescaleDB versions and edition.</summary>
    public TimescaleServerInfo Server { get; }

    /// <summary>The ids of migrations not applied (or changed) in this database.</summary>
    public IReadOnlyList<string> PendingMigrations { get; }

    /// <summary>The hypertables of the trading schema with their chunk counts.</summary>
    public IReadOnlyList<HypertableHealth> Hypertables { get; }

    /// <summary>The continuous aggregates, or why the edition has none.</summary>
    public SchemaFeatureHealth<ContinuousAggregateHealth> ContinuousAggregates { get; }

    /// <summary>The policies (background jobs), or why the edition has none.</summary>
    public SchemaFeatureHealth<JobHealth> Jobs { get; }

    /// <summary>Compression per hypertable, or why the edition has none.</summary>
    public SchemaFeatureHealth<CompressionHealth> Compression { get; }

    /// <summary>What is wrong, one sentence each; empty when healthy.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Whether nothing is wrong.</summary>
    public bool IsHealthy => Problems.Count == 0;
}
