using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Operations.Internal;

/// <summary>A column of a table in a portable backup: its name and its type as <c>format_type()</c> writes it.</summary>
internal sealed record PortableColumn(string Name, string Type);

/// <summary>A table in a portable backup: its columns in the order of the binary COPY stream, and its rows.</summary>
internal sealed record PortableTable(string Table, IReadOnlyList<PortableColumn> Columns, long Rows)
{
    public string Name => "trading." + Table;
}

/// <summary>What a portable backup says about itself (its <c>portable.json</c> entry).</summary>
internal sealed record PortableHeader(
    string SchemaVersion, string PostgresVersion, string? TimescaleVersion, string Edition, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<PortableTable> Tables);

/// <summary>
/// The layout of a portable backup: a tar archive holding, for each table of <see cref="Tables"/> in that order, its
/// rows as one binary COPY stream split into entries <c>tables/NAME/NNNNNN.pgcopy</c> of at most <see cref="PartBytes"/>
/// bytes, then <c>portable.json</c> (schema version, settings, columns and row counts). Reading checks everything before
/// a caller writes anything: only known entry names, in order, every stream well formed with the columns and rows the
/// header names.
/// </summary>
internal static partial class PortableArchive
{
    public const int Format = 1;
    public const string HeaderEntry = "portable.json";
    public const long PartBytes = 1L << 30;
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>
    /// The tables a portable backup holds, in the order a restore loads them: the kept CRITICAL events before
    /// system_events (whose copy trigger then finds each kept event already there and copies nothing), positions before
    /// position_trades (foreign key). trading.settings travels in the header and trading.schema_migrations is written by
    /// the migrator; the continuous aggregates are rebuilt from the rows.
    /// </summary>
    public static IReadOnlyList<string> Tables { get; } =
    [
        "system_events_critical", "stock_prices", "options_data", "signals", "performance_metrics", "data_quality",
        "system_events", "positions", "position_trades", "latest_stock_prices", "latest_option_quotes",
    ];

    /// <summary>The tables of the trading schema that a portable backup carries another way.</summary>
    public static IReadOnlyList<string> CarriedOtherwise { get; } = ["settings", "schema_migrations"];

    /// <summary>
    /// The tables of the trading schema derived from the others, left out of a portable backup: the screen state, which
    /// the screen ignores until <c>trading.refresh_screen_state</c> computes it again from the restored rows.
    /// </summary>
    public static IReadOnlyList<string> Derived { get; } = ["screen_state_widths", "screen_state_symbols", "screen_states"];

    public static string PartName(string table, int part) => $"tables/{table}/{part:D6}.pgcopy";

    public static JsonObject ToJson(PortableHeader header) => new()
    {
        ["format"] = Format,
        ["schemaVersion"] = header.SchemaVersion,
        ["postgresVersion"] = header.PostgresVersion,
        ["timescaleVersion"] = header.TimescaleVersion,
        ["edition"] = header.Edition,
        ["settings"] = new JsonObject([.. header.Settings.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))]),
        ["tables"] = new JsonArray([.. header.Tables.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["rows"] = t.Rows,
            ["columns"] = new JsonArray([.. t.Columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type })]),
        })]),
    };

    /// <summary>
    /// Reads and checks a whole portable backup without writing anything; <paramref name="onTable"/>, when given,
    /// receives each table's stream instead of it being read here (the restore copies it into the server).
    /// </summary>
    public static async Task<PortableHeader> ReadAsync(
        string path, Func<string, Stream, CancellationToken, Task>? onTable, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var reader = new TarReader(stream);
            await using (reader.ConfigureAwait(false))
            {
                return await ReadAsync(path, reader, onTable, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<PortableHeader> ReadAsync(
        string path, TarReader reader, Func<string, Stream, CancellationToken, Task>? onTable, CancellationToken cancellationToken)
    {
        var seen = new List<(string Table, PgCopyBinaryCounter Counter)>();
        PortableHeader? header = null;
        TarEntry? pending = null;
        while (true)
        {
            var entry = pending ?? await NextAsync(path, reader, cancellationToken).ConfigureAwait(false);
            pending = null;
            if (entry is null)
            {
                break;
            }

            if (header is not null)
            {
                throw Invalid(path, $"the entry {Shown(entry.Name)} follows {HeaderEntry}, which must be the last one");
            }

            if (entry.Name == HeaderEntry)
            {
                header = await ReadHeaderAsync(path, entry, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var match = PartPattern().Match(entry.Name);
            if (!match.Success || !Tables.Contains(match.Groups["table"].Value, StringComparer.Ordinal))
            {
                throw Invalid(path, $"the entry {Shown(entry.Name)} is not part of a portable backup (tables/TABLE/NNNNNN.pgcopy for a table of {string.Join(", ", Tables)}, then {HeaderEntry})");
            }

            var table = match.Groups["table"].Value;
            var position = IndexOf(table);
            if (seen.Count > 0 && IndexOf(seen[^1].Table) >= position)
            {
                throw Invalid(path, $"the entry {Shown(entry.Name)} is out of order: {table} comes {(seen.Any(s => s.Table == table) ? "twice" : "after " + seen[^1].Table)}");
            }

            if (entry.Name != PartName(table, 1))
            {
                throw Invalid(path, $"the entry {Shown(entry.Name)} is not the first part of {table}");
            }

            // The table's parts, one after another, are its one COPY stream.
            var parts = new PartsStream(path, table, reader, entry, cancellationToken);
            var counter = new PgCopyBinaryCounter($"{path}: table {table}");
            var counting = new PgCopyCountingStream(parts, counter);
            if (onTable is null)
            {
                await counting.CopyToAsync(Stream.Null, 1 << 16, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await onTable(table, counting, cancellationToken).ConfigureAwait(false);
                await counting.CopyToAsync(Stream.Null, 1 << 16, cancellationToken).ConfigureAwait(false);
            }

            counter.Complete();
            seen.Add((table, counter));
            pending = parts.Next;
        }

        if (header is null)
        {
            throw Invalid(path, $"it has no {HeaderEntry} entry: it is incomplete");
        }

        var listed = string.Join(", ", header.Tables.Select(t => t.Table));
        var found = string.Join(", ", seen.Select(s => s.Table));
        if (listed != found)
        {
            throw Invalid(path, $"{HeaderEntry} lists the tables {Plain(listed)}, and the archive holds {Plain(found)}");
        }

        foreach (var (table, (_, counter)) in header.Tables.Zip(seen))
        {
            if (counter.Rows != table.Rows)
            {
                throw Invalid(path, $"table {table.Table} holds {counter.Rows} rows, and {HeaderEntry} says {table.Rows}");
            }

            if (counter.Rows > 0 && counter.Fields != table.Columns.Count)
            {
                throw Invalid(path, $"the rows of table {table.Table} have {counter.Fields} fields, and {HeaderEntry} names {table.Columns.Count} columns");
            }
        }

        return header;
    }

    private static async Task<TarEntry?> NextAsync(string path, TarReader reader, CancellationToken cancellationToken)
    {
        TarEntry? entry;
        try
        {
            entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new TradingBackupException($"{path} is not a valid portable backup: it is not a readable tar archive ({ex.Message}); nothing was restored.", ex);
        }

        if (entry is not null && entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
        {
            throw Invalid(path, $"the entry {Shown(entry.Name)} is a {entry.EntryType}, and a portable backup holds regular files only");
        }

        return entry;
    }

    private static async Task<PortableHeader> ReadHeaderAsync(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Length > MaxHeaderBytes || entry.DataStream is null)
        {
            throw Invalid(path, $"{HeaderEntry} has {entry.Length} bytes (at most {MaxHeaderBytes})");
        }

        var buffer = new byte[entry.Length];
        await entry.DataStream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(new UTF8Encoding(false, true).GetString(buffer)) as JsonObject ?? throw Invalid(path, $"{HeaderEntry} is not a JSON object");
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException)
        {
            throw Invalid(path, $"{HeaderEntry} is not JSON ({ex.Message})");
        }

        try
        {
            return ParseHeader(path, root);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw Invalid(path, $"{HeaderEntry} has a field of the wrong type ({ex.Message})");
        }
    }

    private static PortableHeader ParseHeader(string path, JsonObject root)
    {
        var format = root["format"]?.GetValue<int>() ?? throw Invalid(path, $"{HeaderEntry} has no format");
        if (format != Format)
        {
            throw new TradingBackupException($"{path} is a portable backup of format {format}, and this version reads format {Format}; nothing was restored. Use the trading-timescale version that wrote it.");
        }

        var schemaVersion = Text(path, root, "schemaVersion");
        if (!MigrationId().IsMatch(schemaVersion))
        {
            throw Invalid(path, $"its schemaVersion {Shown(schemaVersion)} is not a migration id such as 0041_critical_events_kept");
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in root["settings"] as JsonObject ?? throw Invalid(path, $"{HeaderEntry} has no settings"))
        {
            if (!SchemaSettings.All.Any(s => s.Name == name))
            {
                throw Invalid(path, $"its setting {Shown(name)} is not a setting of the trading schema");
            }

            settings[name] = value?.GetValue<string>() is { Length: > 0 and <= 200 } text ? text : throw Invalid(path, $"its setting {name} has no value");
        }

        var tables = new List<PortableTable>();
        var array = root["tables"] as JsonArray ?? throw Invalid(path, $"{HeaderEntry} has no tables");
        foreach (var node in array)
        {
            var table = node as JsonObject ?? throw Invalid(path, $"{HeaderEntry} tables holds a value that is not an object");
            var name = Text(path, table, "name");
            var bare = name.StartsWith("trading.", StringComparison.Ordinal) ? name["trading.".Length..] : string.Empty;
            if (!Tables.Contains(bare, StringComparer.Ordinal))
            {
                throw Invalid(path, $"{HeaderEntry} names the table {Shown(name)}, which is not one of {string.Join(", ", Tables.Select(t => "trading." + t))}");
            }

            var rows = table["rows"]?.GetValue<long>() ?? throw Invalid(path, $"table {name} has no rows count");
            if (rows < 0)
            {
                throw Invalid(path, $"table {name} has {rows} rows");
            }

            var columns = new List<PortableColumn>();
            foreach (var columnNode in table["columns"] as JsonArray ?? throw Invalid(path, $"table {name} has no columns"))
            {
                var column = columnNode as JsonObject ?? throw Invalid(path, $"table {name} lists a column that is not an object");
                var columnName = Text(path, column, "name");
                var type = Text(path, column, "type");
                if (Encoding.UTF8.GetByteCount(columnName) > 63 || columnName.Contains('\0', StringComparison.Ordinal) || type.Length > 200)
                {
                    throw Invalid(path, $"table {name} lists the column {Shown(columnName)} of type {Shown(type)}, which no PostgreSQL table can have");
                }

                if (columns.Any(c => c.Name == columnName))
                {
                    throw Invalid(path, $"table {name} lists the column {Shown(columnName)} twice");
                }

                columns.Add(new PortableColumn(columnName, type));
            }

            if (columns.Count == 0)
            {
                throw Invalid(path, $"table {name} lists no columns");
            }

            tables.Add(new PortableTable(bare, columns, rows));
        }

        return new PortableHeader(
            schemaVersion, Text(path, root, "postgresVersion"), root["timescaleVersion"]?.GetValue<string>(), Text(path, root, "edition"), settings, tables);
    }

    private static int IndexOf(string table) => Tables.ToList().IndexOf(table);

    private static string Text(string path, JsonObject node, string name) =>
        node[name]?.GetValue<string>() is { Length: > 0 } value ? value : throw Invalid(path, $"{HeaderEntry} has no {name}");

    // A name read from the archive, quoted and cut short, for a message.
    private static string Shown(string text) => JsonSerializer.Serialize(text.Length > 80 ? text[..80] + "..." : text);

    private static string Plain(string list) => list.Length == 0 ? "(none)" : list;

    private static TradingBackupException Invalid(string path, string what) => new($"{path} is not a valid portable backup: {what}; nothing was restored.");

    [GeneratedRegex(@"^tables/(?<table>[a-z_]{1,63})/(?<part>\d{6})\.pgcopy$", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();

    [GeneratedRegex(@"^\d{4}_[a-z0-9_]{1,59}$", RegexOptions.CultureInvariant)]
    private static partial Regex MigrationId();

    /// <summary>The consecutive parts of one table as one stream; the entry after them is left in <see cref="Next"/>.</summary>
    private sealed class PartsStream(string path, string table, TarReader reader, TarEntry first, CancellationToken cancellationToken) : ReadOnlyStream
    {
        private Stream? _current = first.DataStream ?? Stream.Null;
        private int _part = 1;

        public TarEntry? Next { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken token = default)
        {
            while (_current is not null && !buffer.IsEmpty)
            {
                var read = await _current.ReadAsync(buffer, token).ConfigureAwait(false);
                if (read > 0)
                {
                    return read;
                }

                var entry = await NextAsync(path, reader, cancellationToken).ConfigureAwait(false);
                if (entry is not null && entry.Name.StartsWith($"tables/{table}/", StringComparison.Ordinal))
                {
                    if (entry.Name != PartName(table, ++_part))
                    {
                        throw Invalid(path, $"the entry {Shown(entry.Name)} is not part {_part} of {table}");
                    }

                    _current = entry.DataStream ?? Stream.Null;
                }
                else
                {
                    Next = entry;
                    _current = null;
                }
            }

            return 0;
        }
    }
}
