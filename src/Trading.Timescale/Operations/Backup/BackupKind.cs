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
}
