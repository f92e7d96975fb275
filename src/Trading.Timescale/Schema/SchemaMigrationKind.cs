namespace Trading.Timescale.Schema;

/// <summary>The two kinds of schema files.</summary>
public enum SchemaMigrationKind
{
    /// <summary>A versioned migration (<c>migrations/NNNN_name.sql</c>), applied once.</summary>
    Versioned = 0,

    /// <summary>A repeatable script (<c>repeatable/NN_name.sql</c>), applied again whenever its text or the settings change.</summary>
    Repeatable = 1,
}
