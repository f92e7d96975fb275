namespace Trading.Timescale.Schema;

/// <summary>
/// What a migration may change besides applying pending schema files. By default nothing: the database keeps the
/// settings it was installed with, and a configured value that differs is only reported.
/// </summary>
public sealed record SchemaMigrationOptions
{
    /// <summary>The defaults: keep the database's settings.</summary>
    public static SchemaMigrationOptions Default { get; } = new();

    /// <summary>
    /// Apply every setting set in <see cref="TradingTimescaleOptions"/> that differs from the database's (each is
    /// logged as old → new and listed in <see cref="SchemaMigrationReport.AppliedSettingChanges"/>). Settings left unset
    /// keep the database's values. Default <see langword="false"/>: differences are logged as warnings and listed in
    /// <see cref="SchemaMigrationReport.DeclinedSettingChanges"/>, so two applications with different options never
    /// flip the database back and forth.
    /// </summary>
    public bool ApplySettingChanges { get; init; }

    /// <summary>
    /// Allow a setting change that removes data: a retention shorter than the database's, after which the next
    /// retention run drops rows the database keeps today. Default <see langword="false"/>: such a change is refused with
    /// a <see cref="TradingSchemaException"/> that says what it would drop, and nothing is changed.
    /// </summary>
    public bool AllowDataRemoval { get; init; }
}
