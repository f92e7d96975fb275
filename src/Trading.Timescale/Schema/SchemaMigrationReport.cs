namespace Trading.Timescale.Schema;

/// <summary>What one <see cref="TradingSchemaInstaller.MigrateAsync"/> call did.</summary>
public sealed class SchemaMigrationReport
{
    internal SchemaMigrationReport(string database, TimescaleServerInfo server, bool extensionCreated, IReadOnlyList<SchemaMigrationRecord> applied, TimeSpan lockWait, TimeSpan elapsed)
    {
        Database = database;
        Server = server;
        ExtensionCreated = extensionCreated;
        Applied = applied;
        LockWait = lockWait;
        Elapsed = elapsed;
    }

    /// <summary>The database name.</summary>
    public string Database { get; }

    /// <summary>The server's PostgreSQL and TimescaleDB versions and edition.</summary>
    public TimescaleServerInfo Server { get; }

    /// <summary>The edition the files were chosen for.</summary>
    public TimescaleEdition Edition => Server.Edition;

    /// <summary>Whether this call created the timescaledb extension in the database.</summary>
    public bool ExtensionCreated { get; }

    /// <summary>The files this call applied, in order; empty when the schema was already up to date.</summary>
    public IReadOnlyList<SchemaMigrationRecord> Applied { get; }

    /// <summary>How long this call waited for another installer's lock.</summary>
    public TimeSpan LockWait { get; }

    /// <summary>How long the whole call took.</summary>
    public TimeSpan Elapsed { get; }
}
