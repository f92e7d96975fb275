using System.Globalization;
using System.Text.Json.Nodes;
using Trading.Timescale.ScaleOut;

namespace Trading.Timescale.Cli.ScaleOut;

/// <summary>The <c>servers</c> list of <c>status</c> and <c>stats</c>: every host of the connection string with its role and replication lag.</summary>
internal static class ServersOutput
{
    public static JsonArray ToJson(IReadOnlyList<ReplicationServer> servers) =>
        new([.. servers.Select(s => (JsonNode)new JsonObject
        {
            ["host"] = s.Host,
            ["port"] = s.Port,
            ["role"] = Role(s.Role),
            ["lag"] = Lag(s.Lag),
            ["replayPaused"] = s.ReplayPaused,
            ["standbys"] = new JsonArray([.. s.Standbys.Select(c => (JsonNode)new JsonObject
            {
                ["applicationName"] = c.ApplicationName,
                ["clientAddress"] = c.ClientAddress,
                ["state"] = c.State,
                ["lag"] = Lag(c.Lag),
            })]),
            ["error"] = s.Error,
        })]);

    public static async Task WriteTextAsync(TextWriter output, IReadOnlyList<ReplicationServer> servers)
    {
        var table = new TextTable("SERVER", "ROLE", "LAG BYTES", "LAG SECONDS", "NOTE");
        foreach (var s in servers)
        {
            table.Add($"{s.Host}:{s.Port.ToString(CultureInfo.InvariantCulture)}", Role(s.Role), Bytes(s.Lag), Seconds(s.Lag),
                s.Error ?? (s.ReplayPaused is true ? "replay paused" : s.Role == ServerRole.Primary ? $"{s.Standbys.Count} standby(s) streaming" : string.Empty));
            foreach (var c in s.Standbys)
            {
                table.Add($"  -> {c.ApplicationName} {c.ClientAddress}", "standby", Bytes(c.Lag), Seconds(c.Lag), c.State ?? string.Empty);
            }
        }

        await table.WriteAsync(output).ConfigureAwait(false);
    }

    private static string Role(ServerRole role) => role.ToString().ToLowerInvariant();

    private static JsonObject? Lag(ReplicationLag? lag) =>
        lag is null ? null : new JsonObject { ["bytes"] = lag.Bytes, ["seconds"] = lag.Seconds is { } s ? Math.Round(s, 3) : null };

    private static string Bytes(ReplicationLag? lag) => lag?.Bytes?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Seconds(ReplicationLag? lag) => lag?.Seconds?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-";
}
