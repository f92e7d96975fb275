namespace Trading.Timescale.Schema.Internal;

/// <summary>Where the installer finds its schema files.</summary>
internal interface IMigrationSource
{
    IReadOnlyList<SchemaFile> GetFiles();
}
