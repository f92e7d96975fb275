using NodaTime;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

/// <summary>
/// What the database reports about itself: sizes, chunks and compression, continuous aggregate lag, jobs, connections,
/// table activity and the top statements. Parts an edition or server lacks say why instead of being empty.
/// </summary>
public sealed class DatabaseStats
{
    internal DatabaseStats(string database, TimescaleServerInfo server, Instant takenAt, long databaseBytes, long maxConnections,
        IReadOnlyList<ConnectionCount> connections, IReadOnlyList<TableSize> tables, IReadOnlyList<ChunkStats> chunks,
        SchemaFeatureHealth<AggregateStats> aggregates, SchemaFeatureHealth<JobStats> jobs, IReadOnlyList<TableActivity> activity,
        SchemaFeatureHealth<QueryStats> topQueries)
    {
        Database = database;
        Server = server;
        TakenAt = takenAt;
        DatabaseBytes = databaseBytes;
        MaxConnections = maxConnections;
        Connections = connections;
        Tables = tables;
        Chunks = chunks;
        Aggregates = aggregates;
        Jobs = jobs;
        Activity = activity;
        TopQueries = topQueries;
    }

    /// <summary>The database name.</summary>
    public string Database { get; }

    /// <summary>The server's PostgreSQL and TimescaleDB versions and edition.</summary>
    public TimescaleServerInfo Server { get; }

    /// <summary>The server's clock when the statistics were read.</summary>
    public Instant TakenAt { get; }

    /// <summary><c>pg_database_size</c> of the database.</summary>
    public long DatabaseBytes { get; }

    /// <summary>The server's <c>max_connections</c>.</summary>
    public long MaxConnections { get; }

    /// <summary>Client connections to this database by state.</summary>
    public IReadOnlyList<ConnectionCount> Connections { get; }

    /// <summary>Every table of the trading schema, largest first; hypertable sizes include their chunks.</summary>
    public IReadOnlyList<TableSize> Tables { get; }

    /// <summary>Every chunk of the trading hypertables, by hypertable and time.</summary>
    public IReadOnlyList<ChunkStats> Chunks { get; }

    /// <summary>Continuous aggregates with their lag (community edition; on apache the aggregates are plain views and have none).</summary>
    public SchemaFeatureHealth<AggregateStats> Aggregates { get; }

    /// <summary>Jobs (policies) with their last run and error (community edition).</summary>
    public SchemaFeatureHealth<JobStats> Jobs { get; }

    /// <summary><c>pg_stat_user_tables</c> for the trading tables, hypertables summed over their chunks.</summary>
    public IReadOnlyList<TableActivity> Activity { get; }

    /// <summary>The statements with the most total execution time, when <c>pg_stat_statements</c> is installed and loaded.</summary>
    public SchemaFeatureHealth<QueryStats> TopQueries { get; }
}
