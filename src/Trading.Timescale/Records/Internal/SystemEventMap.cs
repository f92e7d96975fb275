using NodaTime;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary><see cref="SystemEvent"/> ↔ <c>trading.system_events</c>.</summary>
internal sealed class SystemEventMap : TableMap<SystemEvent>
{
    private static readonly Column<SystemEvent>[] AllColumns =
    [
        new TextColumn<SystemEvent>("event_type", 50, required: true, r => r.EventType),
        new EnumColumn<SystemEvent, EventSeverity>("severity", 8, EnumText.Severities, hasDefault: false, r => r.Severity),
        new TextColumn<SystemEvent>("source", 100, required: true, r => r.Source),
        new TextColumn<SystemEvent>("message", null, required: true, r => r.Message),
        new JsonColumn<SystemEvent>("details", required: false, hasDefault: false, r => r.Details),
        new InstantColumn<SystemEvent>("timestamp", required: true, notInFuture: true, r => r.Timestamp),
    ];

    public SystemEventMap()
        : base("system_events", IngestTable.SystemEvents, AllColumns, ["source", "event_type", "timestamp"], latest: null)
    {
    }

    public override SystemEvent Read(NpgsqlDataReader reader) => new()
    {
        EventType = reader.GetString(0),
        Severity = EnumText.ParseSeverity(reader.GetString(1)),
        Source = reader.GetString(2),
        Message = reader.GetString(3),
        Details = reader.String(4),
        Timestamp = reader.GetFieldValue<Instant>(5),
        Id = GetInt64(reader, 6),
        CreatedAt = GetInstant(reader, 7),
        UpdatedAt = GetInstant(reader, 8),
    };

    public override SystemEvent Create(CsvValues values) => new()
    {
        EventType = values.Text(0)!,
        Severity = (EventSeverity)values.Enum(1)!.Value,
        Source = values.Text(2)!,
        Message = values.Text(3)!,
        Details = values.Text(4),
        Timestamp = values.Instant(5)!.Value,
    };

    public override string Describe(SystemEvent row) =>
        $"{row.Source ?? "(no source)"} {row.EventType ?? "(no event_type)"} {ValidationContext.Format(row.Timestamp)}";
}
