namespace Trading.Timescale.Schema.Internal;

/// <summary>Schema files given in memory, so tests can install a set of their own.</summary>
internal sealed class InMemoryMigrationSource(IEnumerable<SchemaFile> files) : IMigrationSource
{
    private readonly IReadOnlyList<SchemaFile> _files = [.. files];

    public InMemoryMigrationSource(params (string Path, string Text)[] files)
        : this(files.Select(f => new SchemaFile(f.Path, f.Text)))
    {
    }

    public IReadOnlyList<SchemaFile> GetFiles() => _files;
}
