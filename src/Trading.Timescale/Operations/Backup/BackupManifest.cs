using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

/// <summary>
/// What a backup holds, written as JSON beside the dump (<c>NAME.manifest.json</c> next to <c>NAME.dump</c>): the kind,
/// the tables with their row counts, the PostgreSQL and TimescaleDB versions and edition, the schema journal, and the
/// dump's size and SHA-256. A signed manifest also carries an HMAC-SHA-256 of all of that (see <see cref="BackupSigningKey"/>).
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The manifest format this version writes and reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The manifest format.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The kind of backup.</summary>
    public required BackupKind Kind { get; init; }

    /// <summary>The database that was backed up.</summary>
    public required string Database { get; init; }

    /// <summary>The dump's file name (no directory).</summary>
    public required string FileName { get; init; }

    /// <summary>The dump's size in bytes.</summary>
    public required long SizeBytes { get; init; }

    /// <summary>The SHA-256 of the dump, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>When the backup's snapshot was taken.</summary>
    public required Instant CreatedAt { get; init; }

    /// <summary>The server's PostgreSQL version, for example <c>15.20</c>.</summary>
    public required string PostgresVersion { get; init; }

    /// <summary>The pg_dump version that wrote the file, for example <c>15.20</c>; <c>none (portable format 1)</c> for a portable backup.</summary>
    public required string PgDumpVersion { get; init; }

    /// <summary>The TimescaleDB extension version in the database, or <see langword="null"/> without the extension.</summary>
    public string? TimescaleVersion { get; init; }

    /// <summary>The TimescaleDB edition of the server.</summary>
    public required TimescaleEdition Edition { get; init; }

    /// <summary>The tables in the backup with their row counts, read in the same snapshot as the dump.</summary>
    public required IReadOnlyList<BackupTable> Tables { get; init; }

    /// <summary>The schema journal at the time of the backup (empty when the database had none).</summary>
    public required IReadOnlyList<BackupJournalEntry> Journal { get; init; }

    /// <summary>The HMAC-SHA-256 of <see cref="SignedContent"/> in lower-case hex, or <see langword="null"/> when the backup is unsigned.</summary>
    public string? Signature { get; init; }

    /// <summary>The <see cref="BackupSigningKey.KeyId"/> of the key that signed the manifest, or <see langword="null"/> when unsigned.</summary>
    public string? SignatureKeyId { get; init; }

    /// <summary>
    /// The text a signature covers: the manifest as compact JSON without its signature fields. It holds the dump's file
    /// name, size and SHA-256, so the signature vouches for the dump as well.
    /// </summary>
    /// <returns>The signed text.</returns>
    public string SignedContent() => ToJsonObject(includeSignature: false).ToJsonString(CompactJsonOptions);

    /// <summary>The manifest's file name for a dump file name: <c>NAME.dump</c> becomes <c>NAME.manifest.json</c>.</summary>
    /// <param name="dumpPath">The dump's path or file name.</param>
    /// <returns>The manifest's path, in the same directory.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dumpPath"/> is <see langword="null"/>.</exception>
    public static string PathFor(string dumpPath)
    {
        ArgumentNullException.ThrowIfNull(dumpPath);
        var stem = dumpPath.EndsWith(DumpExtension, StringComparison.Ordinal) ? dumpPath[..^DumpExtension.Length] : dumpPath;
        return stem + ManifestExtension;
    }

    /// <summary>The extension of a dump file.</summary>
    public const string DumpExtension = ".dump";

    /// <summary>The extension of a manifest file.</summary>
    public const string ManifestExtension = ".manifest.json";

    /// <summary>Writes the manifest as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => ToJsonObject().ToJsonString(JsonOptions);

    /// <summary>The manifest as a JSON object (camelCase names, ISO-8601 times, lower-case enums).</summary>
    /// <returns>A new JSON object.</returns>
    public JsonObject ToJsonObject() => ToJsonObject(includeSignature: true);

    private JsonObject ToJsonObject(bool includeSignature)
    {
        var json = Content();
        if (includeSignature && Signature is not null)
        {
            json["signatureAlgorithm"] = BackupSigningKey.Algorithm;
            json["signatureKeyId"] = SignatureKeyId;
            json["signature"] = Signature;
        }

        return json;
    }

    private JsonObject Content() => new()
    {
        ["format"] = Format,
        ["kind"] = Kind.ToString().ToLowerInvariant(),
        ["database"] = Database,
        ["fileName"] = FileName,
        ["sizeBytes"] = SizeBytes,
        ["sha256"] = Sha256,
        ["createdAt"] = InstantPattern.ExtendedIso.Format(CreatedAt),
        ["postgresVersion"] = PostgresVersion,
        ["pgDumpVersion"] = PgDumpVersion,
        ["timescaleVersion"] = TimescaleVersion,
        ["edition"] = Edition.ToString().ToLowerInvariant(),
        ["tables"] = new JsonArray([.. Tables.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["rows"] = t.Rows })]),
        ["journal"] = new JsonArray([.. Journal.Select(j => (JsonNode)new JsonObject
        {
            ["id"] = j.Id,
            ["kind"] = j.Kind,
            ["edition"] = j.Edition,
            ["file"] = j.FileName,
            ["checksum"] = j.Checksum,
            ["appliedAt"] = InstantPattern.ExtendedIso.Format(j.AppliedAt),
        })]),
    };

    /// <summary>Reads a manifest written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Where the text came from, for error messages.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> or <paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="TradingBackupException">The text is not a manifest; the message names the source and the field.</exception>
    public static BackupManifest Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new TradingBackupException($"{source} is not a backup manifest: it is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new TradingBackupException($"{source} is not a backup manifest: {ex.Message}", ex);
        }

        try
        {
            var format = root["format"]?.GetValue<int>() ?? throw Missing(source, "format");
            if (format > CurrentFormat)
            {
                throw new TradingBackupException($"{source} has manifest format {format}; this version reads format {CurrentFormat} or older: upgrade trading-timescale.");
            }

            return new BackupManifest
            {
                Format = format,
                Kind = ParseEnum<BackupKind>(root, "kind", source),
                Database = Text(root, "database", source),
                FileName = Text(root, "fileName", source),
                SizeBytes = root["sizeBytes"]?.GetValue<long>() ?? throw Missing(source, "sizeBytes"),
                Sha256 = Text(root, "sha256", source),
                CreatedAt = Time(Text(root, "createdAt", source), source, "createdAt"),
                PostgresVersion = Text(root, "postgresVersion", source),
                PgDumpVersion = Text(root, "pgDumpVersion", source),
                TimescaleVersion = root["timescaleVersion"]?.GetValue<string>(),
                Edition = ParseEnum<TimescaleEdition>(root, "edition", source),
                Tables = [.. (root["tables"] as JsonArray ?? throw Missing(source, "tables")).Select((t, i) => new BackupTable(
                    Text(t!.AsObject(), "name", $"{source} tables[{i}]"),
                    t["rows"]?.GetValue<long>() ?? throw Missing($"{source} tables[{i}]", "rows")))],
                Journal = [.. (root["journal"] as JsonArray ?? throw Missing(source, "journal")).Select((j, i) =>
                {
                    var where = $"{source} journal[{i}]";
                    var entry = j!.AsObject();
                    return new BackupJournalEntry(
                        Text(entry, "id", where), Text(entry, "kind", where), Text(entry, "edition", where), Text(entry, "file", where),
                        Text(entry, "checksum", where), Time(Text(entry, "appliedAt", where), where, "appliedAt"));
                })],
                Signature = root["signature"]?.GetValue<string>(),
                SignatureKeyId = root["signatureKeyId"]?.GetValue<string>(),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new TradingBackupException($"{source} is not a valid backup manifest: {ex.Message}", ex);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions CompactJsonOptions = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Text(JsonObject node, string name, string source) =>
        node[name]?.GetValue<string>() is { Length: > 0 } value ? value : throw Missing(source, name);

    private static T ParseEnum<T>(JsonObject node, string name, string source)
        where T : struct, Enum
    {
        var text = Text(node, name, source);
        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? value
            : throw new TradingBackupException($"{source}: {name} \"{text}\" is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
    }

    private static Instant Time(string text, string source, string name)
    {
        var parsed = InstantPattern.ExtendedIso.Parse(text);
        return parsed.Success ? parsed.Value : throw new TradingBackupException($"{source}: {name} \"{text}\" is not an ISO-8601 UTC time.");
    }

    private static TradingBackupException Missing(string source, string name) =>
        new($"{source} is not a valid backup manifest: the field {name} is missing or empty.");
}
