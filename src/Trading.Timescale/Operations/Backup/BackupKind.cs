namespace Trading.Timescale.Operations;

/// <summary>What a backup holds.</summary>
public enum BackupKind
{
    /// <summary>The whole database: schema, TimescaleDB catalog, every row and the schema journal.</summary>
    Full,

    /// <summary>The schema, the TimescaleDB catalog (hypertables, aggregates, policies) and the schema journal; no market rows.</summary>
    Schema,

    /// <summary>The rows of the named tables only (hypertables with their chunks).</summary>
    Data,

    /// <summary>
    /// The rows of every trading table as binary COPY streams read in one snapshot (compressed chunks decompressed), with
    /// the schema version and settings, and no TimescaleDB catalog: a database owner who is not a superuser can take and
    /// restore it, and it restores into another TimescaleDB version or edition. Continuous aggregates are rebuilt on restore.
    /// </summary>
    Portable,
}
