using System.Text;
using System.Text.Json;
using NodaTime;

namespace Trading.Timescale.Export;

/// <summary>Writes <c>_manifest.json</c>: what was exported, with which parameters, and every file with its rows and SHA-256.</summary>
internal static class ExportManifest
{
    public const string FileName = "_manifest.json";

    public static async Task WriteAsync(
        string path, string kind, ExportFormat format, IReadOnlyList<ExportColumn> columns, IReadOnlyDictionary<string, string?> parameters,
        IReadOnlyList<ExportedFile> files, long rows, Instant createdAt, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        await using (stream.ConfigureAwait(false))
        {
            var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            await using (json.ConfigureAwait(false))
            {
                json.WriteStartObject();
                json.WriteString("kind", kind);
                json.WriteString("format", format.ToString().ToLowerInvariant());
                json.WriteString("library", "Trading.Timescale.Export");
                json.WriteString("library_version", LibraryVersion);
                json.WriteString("created_at", createdAt.ToString());
                json.WriteString("partitioning", "hive: date=YYYY-MM-DD (UTC date of timestamp)" + (parameters.TryGetValue("partition_by_symbol", out var s) && s == "true" ? ", then symbol=S" : string.Empty));
                json.WriteStartObject("parameters");
                foreach (var (name, value) in parameters)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
                json.WriteNumber("rows", rows);
                json.WriteStartArray("columns");
                foreach (var column in columns)
                {
                    json.WriteStartObject();
                    json.WriteString("name", column.Name);
                    json.WriteString("type", column.TypeName);
                    json.WriteBoolean("nullable", column.Nullable);
                    json.WriteString("definition", column.Definition);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("files");
                foreach (var file in files)
                {
                    json.WriteStartObject();
                    json.WriteString("path", file.Path);
                    json.WriteNumber("rows", file.Rows);
                    json.WriteNumber("bytes", file.Bytes);
                    json.WriteString("sha256", file.Sha256);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }
        }
    }

    public static string LibraryVersion => Trading.Timescale.Internal.ProductInfo.Version;

    public static string Text(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Join(IEnumerable<string> values) => new StringBuilder().AppendJoin(',', values).ToString();
}
