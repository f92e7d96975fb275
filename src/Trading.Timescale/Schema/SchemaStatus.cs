namespace Trading.Timescale.Schema;

/// <summary>The schema files for the server's edition and where each stands.</summary>
public sealed class SchemaStatus
{
    internal SchemaStatus(string database, TimescaleServerInfo server, IReadOnlyList<SchemaMigrationState> migrations, IReadOnlyList<SchemaMigrationRecord> journal)
    {
        Database = database;
        Server = server;
        Migrations = migrations;
        Journal = journal;
        Pending = [.. migrations.Where(m => m.Status != SchemaMigrationStatus.Applied)];
    }

    /// <summary>The database name.</summary>
    public string Database { get; }

    /// <summary>The server's PostgreSQL and TimescaleDB versions and edition.</summary>
    public TimescaleServerInfo Server { get; }

    /// <summary>The edition the files were chosen for.</summary>
    public TimescaleEdition Edition => Server.Edition;

    /// <summary>Every file for the edition, in the order they run.</summary>
    public IReadOnlyList<SchemaMigrationState> Migrations { get; }

    /// <summary>Every row of the journal, including rows of files this version no longer ships.</summary>
    public IReadOnlyList<SchemaMigrationRecord> Journal { get; }

    /// <summary>The files that are pending or changed.</summary>
    public IReadOnlyList<SchemaMigrationState> Pending { get; }

    /// <summary>Whether every file is applied with its current checksum.</summary>
    public bool IsUpToDate => Pending.Count == 0;

    /// <summary>
    /// The settings the status is judged against, by configuration path: the database's own when
    /// <see cref="SettingsInstalled"/>, else what a first migration would install (each configured value, else its default).
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the database keeps settings of its own, that is the schema was installed.</summary>
    public bool SettingsInstalled { get; init; }

    /// <summary>The configured settings that differ from the database's; a migration leaves them unless told to apply them.</summary>
    public IReadOnlyList<SchemaSettingChange> SettingDifferences { get; init; } = [];
}
