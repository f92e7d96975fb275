using System.Text;

namespace Trading.Timescale.Schema.Internal;

/// <summary>The schema files embedded in this assembly as <c>Trading.Timescale.Schema.&lt;folder&gt;/&lt;file&gt;</c>.</summary>
internal sealed class EmbeddedMigrationSource : IMigrationSource
{
    public const string ResourcePrefix = "Trading.Timescale.Schema.";

    public static EmbeddedMigrationSource Instance { get; } = new();

    private readonly Lazy<IReadOnlyList<SchemaFile>> _files = new(Load);

    public IReadOnlyList<SchemaFile> GetFiles() => _files.Value;

    private static IReadOnlyList<SchemaFile> Load()
    {
        var assembly = typeof(EmbeddedMigrationSource).Assembly;
        var files = new List<SchemaFile>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new TradingSchemaException($"The schema file {name} embedded in Trading.Timescale cannot be read: the package is damaged; restore or reinstall it.");
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            files.Add(new SchemaFile(path, reader.ReadToEnd()));
        }

        return files;
    }
}
