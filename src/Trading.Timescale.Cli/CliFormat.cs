using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Cli;

/// <summary>Shared pieces of the human and JSON output.</summary>
internal static class CliFormat
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Time(Instant? instant) =>
        instant is null ? "-" : InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss'Z'").Format(instant.Value);

    /// <summary>An aggregate's lag as <c>D:hh:mm:ss</c>, or what stands in for it while nothing is materialized.</summary>
    public static string AggregateLag(Duration? lag, AggregateMaterialization materialization) =>
        lag is { } d ? d.ToString("-D:hh:mm:ss", CultureInfo.InvariantCulture)
        : materialization == AggregateMaterialization.AwaitingRefresh ? "awaiting refresh" : "nothing materialized";

    public static string? Iso(Instant? instant) => instant is null ? null : InstantPattern.ExtendedIso.Format(instant.Value);

    public static string Edition(TimescaleEdition edition) => edition.ToString().ToLowerInvariant();

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0 'GiB'", CultureInfo.InvariantCulture),
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0 'MiB'", CultureInfo.InvariantCulture),
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0 'KiB'", CultureInfo.InvariantCulture),
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static JsonObject Server(TimescaleServerInfo server) => new()
    {
        ["postgresVersion"] = server.ServerVersion,
        ["timescaleVersion"] = server.TimescaleVersion,
        ["edition"] = Edition(server.Edition),
        ["extensionInstalled"] = server.ExtensionInstalled,
    };

    public static JsonObject SettingChange(SchemaSettingChange change) => new()
    {
        ["path"] = change.Path,
        ["from"] = change.DatabaseValue,
        ["to"] = change.ConfiguredValue,
        ["removesData"] = change.RemovesData,
    };

    public static JsonObject Settings(IReadOnlyDictionary<string, string> settings)
    {
        var json = new JsonObject();
        foreach (var (path, value) in settings)
        {
            json[path] = value;
        }

        return json;
    }

    public static JsonObject Record(SchemaMigrationRecord record) => new()
    {
        ["id"] = record.Id,
        ["kind"] = record.Kind.ToString().ToLowerInvariant(),
        ["edition"] = record.Edition,
        ["file"] = record.FileName,
        ["checksum"] = record.Checksum,
        ["appliedAt"] = Iso(record.AppliedAt),
        ["executionMs"] = (long)record.ExecutionTime.TotalMilliseconds,
        ["installedBy"] = record.InstalledBy,
        ["productVersion"] = record.ProductVersion,
    };

    public static async Task WriteJsonAsync(TextWriter writer, JsonNode node) =>
        await writer.WriteLineAsync(node.ToJsonString(Indented)).ConfigureAwait(false);

    /// <summary>A feature an edition may lack, as JSON: available, the reason when not, and its items.</summary>
    public static JsonObject Feature<T>(SchemaFeatureHealth<T> feature, Func<T, JsonObject> item) => new()
    {
        ["available"] = feature.Available,
        ["unavailableReason"] = feature.UnavailableReason,
        ["items"] = new JsonArray([.. feature.Items.Select(i => (JsonNode)item(i))]),
    };

    /// <summary>A feature an edition may lack, as a titled table or the reason it is unavailable.</summary>
    public static async Task WriteFeatureAsync<T>(TextWriter output, string title, SchemaFeatureHealth<T> feature, TextTable table, Action<TextTable, T> add)
    {
        await output.WriteLineAsync().ConfigureAwait(false);
        if (!feature.Available)
        {
            await output.WriteLineAsync($"{title}: {feature.UnavailableReason}").ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync($"{title}:").ConfigureAwait(false);
        foreach (var item in feature.Items)
        {
            add(table, item);
        }

        await table.WriteAsync(output).ConfigureAwait(false);
    }
}
