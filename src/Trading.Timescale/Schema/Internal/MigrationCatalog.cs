using System.Text.RegularExpressions;

namespace Trading.Timescale.Schema.Internal;

/// <summary>
/// The schema files, read and checked once: versioned migrations <c>migrations/NNNN_name[.edition].sql</c> and
/// repeatable scripts <c>repeatable/NN_name[.edition].sql</c>, with the edition variant chosen per server.
/// </summary>
internal sealed partial class MigrationCatalog
{
    public const string NoTransactionMarker = "-- trading:no-transaction";

    private readonly List<Entry> _entries;

    private MigrationCatalog(List<Entry> entries) => _entries = entries;

    /// <summary>Every file, whatever its edition.</summary>
    public int FileCount => _entries.Count;

    public static MigrationCatalog Load(IMigrationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var entries = new List<Entry>();
        foreach (var file in source.GetFiles())
        {
            var entry = Parse(file);
            var duplicate = entries.Find(e => e.Id == entry.Id && e.Variant == entry.Variant && e.Kind == entry.Kind);
            if (duplicate is not null)
            {
                throw new TradingSchemaException(
                    $"Schema files {duplicate.Path} and {file.Path} both define {entry.Kind.ToString().ToLowerInvariant()} migration {entry.Id}{(entry.Variant is null ? string.Empty : " for the " + entry.Variant + " edition")}: rename one.");
            }

            var clash = entries.Find(e => e.Id == entry.Id && e.Kind != entry.Kind);
            if (clash is not null)
            {
                throw new TradingSchemaException($"Schema files {clash.Path} and {file.Path} use the same id {entry.Id}: rename one.");
            }

            entries.Add(entry);
        }

        var numbers = entries.Where(e => e.Kind == SchemaMigrationKind.Versioned).GroupBy(e => e.Number).Where(g => g.Select(e => e.Id).Distinct().Count() > 1).ToList();
        if (numbers.Count > 0)
        {
            var files = string.Join(", ", numbers[0].Select(e => e.Path));
            throw new TradingSchemaException($"Versioned migrations {files} share the number {numbers[0].Key}: give each its own number.");
        }

        entries.Sort((a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : string.CompareOrdinal(a.Id, b.Id));
        return new MigrationCatalog(entries);
    }

    /// <summary>The files that apply to <paramref name="edition"/>, in the order they run.</summary>
    public IReadOnlyList<MigrationScript> ForEdition(TimescaleEdition edition, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var editionName = Trading.Timescale.Internal.SchemaSettings.EditionName(edition);
        var scripts = new List<MigrationScript>();
        foreach (var group in _entries.GroupBy(e => (e.Kind, e.Id)))
        {
            var chosen = group.FirstOrDefault(e => e.Variant == editionName) ?? group.FirstOrDefault(e => e.Variant is null);
            if (chosen is not null)
            {
                scripts.Add(ToScript(chosen, settings));
            }
        }

        return scripts;
    }

    /// <summary>The newest versioned migration id of any edition, or null without versioned migrations.</summary>
    public string? LatestVersioned() =>
        _entries.Where(e => e.Kind == SchemaMigrationKind.Versioned).Select(e => e.Id).DefaultIfEmpty().Max(StringComparer.Ordinal);

    /// <summary>The versioned file that was chosen for <paramref name="editionName"/>, or null.</summary>
    public MigrationScript? FindVersioned(string id, string editionName)
    {
        var group = _entries.Where(e => e.Kind == SchemaMigrationKind.Versioned && e.Id == id).ToList();
        var chosen = group.Find(e => e.Variant == editionName) ?? group.Find(e => e.Variant is null);
        return chosen is null ? null : ToScript(chosen, []);
    }

    private static MigrationScript ToScript(Entry entry, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var checksum = entry.Kind == SchemaMigrationKind.Versioned
            ? SchemaChecksum.Compute(entry.Text)
            : SchemaChecksum.Compute(entry.Text, settings);
        return new MigrationScript(entry.Id, entry.Kind, entry.Path, entry.Text, entry.NoTransaction, checksum);
    }

    private static Entry Parse(SchemaFile file)
    {
        var slash = file.Path.LastIndexOf('/');
        var folder = slash < 0 ? string.Empty : file.Path[..slash];
        var name = file.Path[(slash + 1)..];
        var (kind, pattern, form) = folder switch
        {
            "migrations" => (SchemaMigrationKind.Versioned, VersionedName(), "migrations/NNNN_name[.community|.apache].sql"),
            "repeatable" => (SchemaMigrationKind.Repeatable, RepeatableName(), "repeatable/NN_name[.community|.apache].sql"),
            _ => throw new TradingSchemaException(
                $"Schema file {file.Path} is in no known folder: versioned migrations belong in migrations/, repeatable scripts in repeatable/."),
        };
        var match = pattern.Match(name);
        if (!match.Success)
        {
            throw new TradingSchemaException($"Schema file {file.Path} is not named {form} (lower-case letters, digits and underscores).");
        }

        var text = SchemaChecksum.Normalize(file.Text);
        var statements = Statements(file.Path, text);
        if (statements == 0)
        {
            throw new TradingSchemaException($"Schema file {file.Path} holds no SQL statement.");
        }

        var firstLine = text.Split('\n', 2)[0].Trim();
        var variant = match.Groups["edition"].Success ? match.Groups["edition"].Value : null;
        return new Entry(match.Groups["id"].Value, match.Groups["number"].Value, kind, variant, file.Path, text,
            string.Equals(firstLine, NoTransactionMarker, StringComparison.OrdinalIgnoreCase));
    }

    private static int Statements(string path, string text)
    {
        try
        {
            return SqlSplitter.Split(text).Count;
        }
        catch (FormatException ex)
        {
            throw new TradingSchemaException($"Schema file {path} cannot be split into statements: {ex.Message}", ex);
        }
    }

    [GeneratedRegex(@"^(?<id>(?<number>\d{4})_[a-z0-9_]+)(\.(?<edition>community|apache))?\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionedName();

    [GeneratedRegex(@"^(?<id>(?<number>\d{2})_[a-z0-9_]+)(\.(?<edition>community|apache))?\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex RepeatableName();

    private sealed record Entry(string Id, string Number, SchemaMigrationKind Kind, string? Variant, string Path, string Text, bool NoTransaction);
}
