namespace Trading.Timescale.Schema;

/// <summary>A schema setting whose configured value differs from the database's.</summary>
/// <param name="Path">The setting's configuration path below <c>TradingTimescale</c>, for example <c>Retention:StockPrices</c>.</param>
/// <param name="DatabaseValue">The value the database kept before the migration; <see langword="null"/> when it had none (a new database or a new setting).</param>
/// <param name="ConfiguredValue">The value the options set.</param>
/// <param name="RemovesData">Whether the change shortens a retention, so the next retention run drops rows the database keeps today.</param>
public sealed record SchemaSettingChange(string Path, string? DatabaseValue, string ConfiguredValue, bool RemovesData)
{
    /// <summary>The change as <c>Path: old → new</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{Path}: {DatabaseValue ?? "(none)"} → {ConfiguredValue}";
}
