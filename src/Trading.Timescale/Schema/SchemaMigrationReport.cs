namespace Trading.Timescale.Schema;

/// <summary>What one <see cref="TradingSchemaInstaller.MigrateAsync(SchemaMigrationOptions, CancellationToken)"/> call did.</summary>
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

    /// <summary>The settings the database keeps after this call, by configuration path (for example <c>Retention:StockPrices</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The settings this call changed, each old → new; empty unless <see cref="SchemaMigrationOptions.ApplySettingChanges"/> was set or the database lacked a setting.</summary>
    public IReadOnlyList<SchemaSettingChange> AppliedSettingChanges { get; init; } = [];

    /// <summary>The configured settings that differ from the database's and were not applied (each was logged as a warning).</summary>
    public IReadOnlyList<SchemaSettingChange> DeclinedSettingChanges { get; init; } = [];
}
