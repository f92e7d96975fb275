using NodaTime;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary><see cref="DataQualityCheck"/> ↔ <c>trading.data_quality</c>.</summary>
internal sealed class DataQualityCheckMap : TableMap<DataQualityCheck>
{
    private static readonly Column<DataQualityCheck>[] AllColumns =
    [
        new TextColumn<DataQualityCheck>("check_name", 100, required: true, r => r.CheckName),
        new TextColumn<DataQualityCheck>("table_name", 63, required: true, r => r.TableName),
        new TextColumn<DataQualityCheck>("symbol", 10, required: false, r => r.Symbol),
        new EnumColumn<DataQualityCheck, DataQualityStatus>("status", 4, EnumText.QualityStatuses, hasDefault: false, r => r.Status),
        new DoubleColumn<DataQualityCheck>("measured_value", required: false, r => r.MeasuredValue),
        new DoubleColumn<DataQualityCheck>("threshold_value", required: false, r => r.ThresholdValue),
        new JsonColumn<DataQualityCheck>("details", required: false, hasDefault: false, r => r.Details),
        new InstantColumn<DataQualityCheck>("timestamp", required: true, notInFuture: true, r => r.Timestamp),
    ];

    public DataQualityCheckMap()
        : base("data_quality", IngestTable.DataQuality, AllColumns, ["check_name", "table_name", "symbol", "timestamp"], latest: null)
    {
    }

    public override DataQualityCheck Read(NpgsqlDataReader reader) => new()
    {
        CheckName = reader.GetString(0),
        TableName = reader.GetString(1),
        Symbol = reader.String(2),
        Status = EnumText.ParseQualityStatus(reader.GetString(3)),
        MeasuredValue = GetDouble(reader, 4),
        ThresholdValue = GetDouble(reader, 5),
        Details = reader.String(6),
        Timestamp = reader.GetFieldValue<Instant>(7),
        Id = GetInt64(reader, 8),
        CreatedAt = GetInstant(reader, 9),
        UpdatedAt = GetInstant(reader, 10),
    };

    public override DataQualityCheck Create(CsvValues values) => new()
    {
        CheckName = values.Text(0)!,
        TableName = values.Text(1)!,
        Symbol = values.Text(2),
        Status = (DataQualityStatus)values.Enum(3)!.Value,
        MeasuredValue = values.Double(4),
        ThresholdValue = values.Double(5),
        Details = values.Text(6),
        Timestamp = values.Instant(7)!.Value,
    };

    public override string Describe(DataQualityCheck row) =>
        $"{row.CheckName ?? "(no check_name)"} on {row.TableName ?? "(no table_name)"}{(row.Symbol is null ? string.Empty : " " + row.Symbol)} {ValidationContext.Format(row.Timestamp)}";
}
