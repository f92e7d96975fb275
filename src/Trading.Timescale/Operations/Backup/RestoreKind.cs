namespace Trading.Timescale.Operations;

/// <summary>What a restore brings back from a backup.</summary>
public enum RestoreKind
{
    /// <summary>Everything the backup holds.</summary>
    Full,

    /// <summary>Only the schema, the TimescaleDB catalog and the schema journal, from a full or a schema backup.</summary>
    Schema,

    /// <summary>
    /// A portable backup: the schema installed by this version's migrator with the backup's settings, the rows copied
    /// back, the sequences advanced and the continuous aggregates rebuilt. Needs no superuser.
    /// </summary>
    Portable,
}
