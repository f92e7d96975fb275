namespace Trading.Timescale.Schema;

/// <summary>Where one schema file stands against the journal.</summary>
public enum SchemaMigrationStatus
{
    /// <summary>Applied with the current checksum.</summary>
    Applied = 0,

    /// <summary>Not applied yet, or a repeatable script whose text or settings changed since it last ran.</summary>
    Pending = 1,

    /// <summary>A versioned migration whose file differs from the one applied; migrating refuses until it is restored.</summary>
    Changed = 2,
}
