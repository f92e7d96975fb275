using System.Globalization;
using NodaTime;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.Ingest.Internal;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Records.Internal;

/// <summary><see cref="TradingSignal"/> ↔ <c>trading.signals</c>.</summary>
internal sealed class TradingSignalMap : TableMap<TradingSignal>
{
    private static readonly Column<TradingSignal>[] AllColumns =
    [
        new TextColumn<TradingSignal>("symbol", 10, required: true, r => r.Symbol),
        new EnumColumn<TradingSignal, SignalType>("signal_type", 10, EnumText.SignalTypes, hasDefault: false, r => r.SignalType),
        new DecimalColumn<TradingSignal>("confidence", 5, 4, NumberRange.Any, required: true, r => r.Confidence),
        new DecimalColumn<TradingSignal>("target_price", 12, 4, NumberRange.Positive, required: false, r => r.TargetPrice),
        new DecimalColumn<TradingSignal>("stop_loss", 12, 4, NumberRange.Positive, required: false, r => r.StopLoss),
        new TextColumn<TradingSignal>("reasoning", null, required: false, r => r.Reasoning),
        new TextColumn<TradingSignal>("model_version", 50, required: false, r => r.ModelVersion),
        new JsonColumn<TradingSignal>("features", required: false, hasDefault: false, r => r.Features),
        new InstantColumn<TradingSignal>("timestamp", required: true, notInFuture: true, r => r.Timestamp),
        new InstantColumn<TradingSignal>("expires_at", required: false, notInFuture: false, r => r.ExpiresAt),
    ];

    public TradingSignalMap()
        : base("signals", IngestTable.Signals, AllColumns, ["symbol", "model_version", "timestamp"], latest: null)
    {
    }

    public override TradingSignal Read(NpgsqlDataReader reader) => new()
    {
        Symbol = reader.GetString(0),
        SignalType = EnumText.ParseSignalType(reader.GetString(1)),
        Confidence = reader.GetDecimal(2),
        TargetPrice = GetDecimal(reader, 3),
        StopLoss = GetDecimal(reader, 4),
        Reasoning = reader.String(5),
        ModelVersion = reader.String(6),
        Features = reader.String(7),
        Timestamp = reader.GetFieldValue<Instant>(8),
        ExpiresAt = GetInstant(reader, 9),
        Id = GetInt64(reader, 10),
        CreatedAt = GetInstant(reader, 11),
        UpdatedAt = GetInstant(reader, 12),
    };

    public override TradingSignal Create(CsvValues values) => new()
    {
        Symbol = values.Text(0)!,
        SignalType = (SignalType)values.Enum(1)!.Value,
        Confidence = values.Decimal(2)!.Value,
        TargetPrice = values.Decimal(3),
        StopLoss = values.Decimal(4),
        Reasoning = values.Text(5),
        ModelVersion = values.Text(6),
        Features = values.Text(7),
        Timestamp = values.Instant(8)!.Value,
        ExpiresAt = values.Instant(9),
    };

    public override string Describe(TradingSignal row) =>
        $"{row.Symbol ?? "(no symbol)"} {row.ModelVersion ?? "(no model)"} {ValidationContext.Format(row.Timestamp)}";

    protected override ColumnError? CheckRow(TradingSignal row, ValidationContext context)
    {
        if (row.Confidence is < 0 or > 1)
        {
            var text = row.Confidence.ToString(CultureInfo.InvariantCulture);
            return new ColumnError("confidence", text, $"confidence {text} is outside [0, 1]");
        }

        if (row.ExpiresAt is { } expires && expires <= row.Timestamp)
        {
            var text = ValidationContext.Format(expires);
            return new ColumnError("expires_at", text, $"expires_at {text} is not after timestamp {ValidationContext.Format(row.Timestamp)}");
        }

        return null;
    }
}
