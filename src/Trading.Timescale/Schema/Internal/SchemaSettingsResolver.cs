using System.Globalization;
using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema.Internal;

/// <summary>The settings a migration runs with: the database's, changed only where the caller asks on purpose.</summary>
internal sealed class ResolvedSettings
{
    public required Dictionary<string, string> Values { get; init; }

    /// <summary>Whether the database already kept settings (the schema was installed).</summary>
    public required bool Installed { get; init; }

    public required IReadOnlyList<SchemaSettingChange> Applied { get; init; }

    public required IReadOnlyList<SchemaSettingChange> Declined { get; init; }

    /// <summary>The values by configuration path, in the settings' order.</summary>
    public IReadOnlyDictionary<string, string> ByPath() =>
        SchemaSettings.All.ToDictionary(s => s.Path, s => Values[s.Name], StringComparer.OrdinalIgnoreCase);
}

internal static class SchemaSettingsResolver
{
    /// <summary>
    /// Without stored settings (a new database), each configured value else its default. With stored settings, each
    /// stored value; a configured value that differs replaces it only when <paramref name="applyChanges"/> is set.
    /// </summary>
    public static ResolvedSettings Resolve(IReadOnlyDictionary<string, string>? stored, IReadOnlyDictionary<string, string> configured, bool applyChanges)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var applied = new List<SchemaSettingChange>();
        var declined = new List<SchemaSettingChange>();
        foreach (var setting in SchemaSettings.All)
        {
            configured.TryGetValue(setting.Name, out var wanted);
            string? kept = null;
            stored?.TryGetValue(setting.Name, out kept);
            if (kept is null)
            {
                values[setting.Name] = wanted ?? setting.Default;
                if (wanted is not null && stored is not null)
                {
                    applied.Add(new SchemaSettingChange(setting.Path, null, wanted, false));
                }
            }
            else if (wanted is null || setting.Same(kept, wanted))
            {
                values[setting.Name] = kept;
            }
            else
            {
                var change = new SchemaSettingChange(setting.Path, kept, wanted, setting.RemovesData(kept, wanted));
                (applyChanges ? applied : declined).Add(change);
                values[setting.Name] = applyChanges ? wanted : kept;
            }
        }

        return new ResolvedSettings { Values = values, Installed = stored is not null, Applied = applied, Declined = declined };
    }

    /// <summary>The settings the database keeps, by name, or null when it has no <c>trading.settings</c> table yet.</summary>
    public static async Task<Dictionary<string, string>?> ReadStoredAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass('trading.settings') IS NOT NULL", connection, transaction))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return null;
            }
        }

        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        using var command = new NpgsqlCommand("SELECT name, value FROM trading.settings", connection, transaction);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored[reader.GetString(0)] = reader.GetString(1);
            }
        }

        // A table created by the migration but never written (a failed first install) holds no settings.
        return stored.Count == 0 ? null : stored;
    }

    /// <summary>What each change that removes data would drop: the table, the cut-off and the number of rows older than it.</summary>
    public static async Task<string> DescribeRemovalAsync(NpgsqlConnection connection, IEnumerable<SchemaSettingChange> changes, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        foreach (var change in changes.Where(c => c.RemovesData))
        {
            // The table comes from the closed list of retention settings.
            var table = SchemaSettings.FindByPath(change.Path)!.RetainedTable!;
            using var command = new NpgsqlCommand(
                $"""
                SELECT count(*), to_char(min("timestamp") AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char((now() - $1::interval) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
                FROM trading.{table} WHERE "timestamp" < now() - $1::interval
                """,
                connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = change.ConfiguredValue });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var rows = reader.GetInt64(0);
                var oldest = reader.String(1);
                var cutoff = reader.GetString(2);
                parts.Add(rows == 0
                    ? $"{change} drops trading.{table} rows older than {change.ConfiguredValue} (none today; rows older than {cutoff} from now on)"
                    : $"{change} drops the trading.{table} rows older than {change.ConfiguredValue}: {rows.ToString("N0", CultureInfo.InvariantCulture)} row(s) today, from {oldest} to {cutoff}");
            }
        }

        return string.Join("; ", parts);
    }
}
