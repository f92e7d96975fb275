using NodaTime;

namespace Trading.Timescale.Schema;

/// <summary>One row of the journal <c>trading.schema_migrations</c>: a schema file that was applied.</summary>
public sealed class SchemaMigrationRecord
{
    internal SchemaMigrationRecord(string id, SchemaMigrationKind kind, string edition, string fileName, string checksum, Instant appliedAt, TimeSpan executionTime, string installedBy, string productVersion)
    {
        Id = id;
        Kind = kind;
        Edition = edition;
        FileName = fileName;
        Checksum = checksum;
        AppliedAt = appliedAt;
        ExecutionTime = executionTime;
        InstalledBy = installedBy;
        ProductVersion = productVersion;
    }

    /// <summary>The migration id, such as <c>0002_tables</c>.</summary>
    public string Id { get; }

    /// <summary>Versioned or repeatable.</summary>
    public SchemaMigrationKind Kind { get; }

    /// <summary>The edition the file was chosen for: <c>community</c> or <c>apache</c>.</summary>
    public string Edition { get; }

    /// <summary>The file that ran, such as <c>migrations/0002_tables.sql</c>.</summary>
    public string FileName { get; }

    /// <summary>The SHA-256 checksum journaled for the file.</summary>
    public string Checksum { get; }

    /// <summary>When the file finished.</summary>
    public Instant AppliedAt { get; }

    /// <summary>How long the file ran.</summary>
    public TimeSpan ExecutionTime { get; }

    /// <summary>The database role that applied it.</summary>
    public string InstalledBy { get; }

    /// <summary>The Trading.Timescale version that applied it.</summary>
    public string ProductVersion { get; }
}
