namespace Trading.Timescale.Schema;

/// <summary>One schema file for the server's edition, and whether and when it was applied.</summary>
public sealed class SchemaMigrationState
{
    internal SchemaMigrationState(string id, SchemaMigrationKind kind, string fileName, string checksum, SchemaMigrationStatus status, SchemaMigrationRecord? applied)
    {
        Id = id;
        Kind = kind;
        FileName = fileName;
        Checksum = checksum;
        Status = status;
        Applied = applied;
    }

    /// <summary>The migration id, such as <c>0002_tables</c>.</summary>
    public string Id { get; }

    /// <summary>Versioned or repeatable.</summary>
    public SchemaMigrationKind Kind { get; }

    /// <summary>The file, such as <c>migrations/0002_tables.sql</c>.</summary>
    public string FileName { get; }

    /// <summary>The checksum of the file as this library ships it (with the current settings, for repeatable scripts).</summary>
    public string Checksum { get; }

    /// <summary>Applied, pending or changed.</summary>
    public SchemaMigrationStatus Status { get; }

    /// <summary>The journal row, when the file was applied.</summary>
    public SchemaMigrationRecord? Applied { get; }
}
