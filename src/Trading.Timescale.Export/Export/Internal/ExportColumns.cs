using Npgsql;

namespace Trading.Timescale.Export;

/// <summary>The column lists of the exports; decimal precision, scale and nullability come from the table definitions.</summary>
internal sealed class ExportColumns(IReadOnlyDictionary<string, (int Precision, int Scale, bool Nullable)> catalog)
{
    public static async Task<ExportColumns> LoadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var catalog = new Dictionary<string, (int, int, bool)>(StringComparer.Ordinal);
        var command = dataSource.CreateCommand("""
            SELECT table_name::text, column_name::text, COALESCE(numeric_precision, 0)::int, COALESCE(numeric_scale, 0)::int, is_nullable = 'YES'
            FROM information_schema.columns
            WHERE table_schema = 'trading' AND table_name IN ('stock_prices', 'options_data', 'signals')
            """);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    catalog[reader.GetString(0) + "." + reader.GetString(1)] = (reader.GetInt32(2), reader.GetInt32(3), reader.GetBoolean(4));
                }
            }
        }

        return new ExportColumns(catalog);
    }

    /// <summary>A decimal column typed like <paramref name="source"/> (<c>table.column</c>); nullable when the table column is, or when <paramref name="nullable"/> says so.</summary>
    public ExportColumn Decimal(string name, string source, string definition, bool nullable = false)
    {
        var (precision, scale, sourceNullable) = catalog.TryGetValue(source, out var found)
            ? found
            : throw new InvalidOperationException($"the table column trading.{source} is missing; run the schema migration.");
        return new ExportColumn(name, ExportColumnType.Decimal, nullable || sourceNullable, definition, precision, scale);
    }

    public bool IsNullable(string source) => !catalog.TryGetValue(source, out var found) || found.Nullable;

    public IReadOnlyList<ExportColumn> Bars(string interval, string source) =>
    [
        new("timestamp", ExportColumnType.Timestamp, false, $"bar start ({interval} bar)"),
        new("symbol", ExportColumnType.String, false, "ticker"),
        Decimal("open", "stock_prices.open_price", $"first open_price of the bar ({source})", nullable: true),
        Decimal("high", "stock_prices.high_price", "highest high_price of the bar", nullable: true),
        Decimal("low", "stock_prices.low_price", "lowest low_price of the bar", nullable: true),
        Decimal("close", "stock_prices.close_price", "last close_price of the bar", nullable: true),
        new("volume", ExportColumnType.Int64, true, "sum of volume over the bar"),
        new("vwap", ExportColumnType.Decimal, true, "volume-weighted vwap of the bar's rows, rounded to 8 decimals", 16, 8),
    ];

    public IReadOnlyList<ExportColumn> Options() =>
    [
        new("timestamp", ExportColumnType.Timestamp, false, "quote time (options_data.timestamp)"),
        new("symbol", ExportColumnType.String, false, "underlying ticker (options_data.underlying_symbol)"),
        new("option_symbol", ExportColumnType.String, false, "option contract symbol"),
        new("expiration_date", ExportColumnType.Date, false, "expiration date"),
        Decimal("strike_price", "options_data.strike_price", "strike"),
        new("option_type", ExportColumnType.String, false, "CALL or PUT"),
        Decimal("bid_price", "options_data.bid_price", "bid"),
        Decimal("ask_price", "options_data.ask_price", "ask"),
        Decimal("last_price", "options_data.last_price", "last trade price"),
        new("volume", ExportColumnType.Int64, IsNullable("options_data.volume"), "contracts traded"),
        new("open_interest", ExportColumnType.Int64, IsNullable("options_data.open_interest"), "open interest"),
        Decimal("implied_volatility", "options_data.implied_volatility", "implied volatility"),
        Decimal("delta", "options_data.delta", "delta"),
        Decimal("gamma", "options_data.gamma", "gamma"),
        Decimal("theta", "options_data.theta", "theta"),
        Decimal("vega", "options_data.vega", "vega"),
        Decimal("rho", "options_data.rho", "rho"),
        Decimal("intrinsic_value", "options_data.intrinsic_value", "intrinsic value"),
        Decimal("time_value", "options_data.time_value", "time value"),
    ];

    public IReadOnlyList<ExportColumn> Signals() =>
    [
        new("timestamp", ExportColumnType.Timestamp, false, "signal time"),
        new("symbol", ExportColumnType.String, false, "ticker"),
        new("id", ExportColumnType.Int64, false, "signal id"),
        new("signal_type", ExportColumnType.String, false, "BUY, SELL or HOLD"),
        Decimal("confidence", "signals.confidence", "model confidence in [0, 1]"),
        Decimal("target_price", "signals.target_price", "target price"),
        Decimal("stop_loss", "signals.stop_loss", "stop loss"),
        new("reasoning", ExportColumnType.String, true, "model reasoning"),
        new("model_version", ExportColumnType.String, true, "model version"),
        new("features", ExportColumnType.String, true, "the signal's features as JSON text"),
        new("expires_at", ExportColumnType.Timestamp, true, "expiry"),
        new("created_at", ExportColumnType.Timestamp, true, "row creation time"),
    ];

    public IReadOnlyList<ExportColumn> Outcomes(string horizon) =>
    [
        .. Signals(),
        new("entry_at", ExportColumnType.Timestamp, true, "newest raw row with a close at or before the signal"),
        Decimal("entry_price", "stock_prices.close_price", "its close", nullable: true),
        new("exit_at", ExportColumnType.Timestamp, true, $"newest raw row with a close in (signal, signal + {horizon}]"),
        Decimal("exit_price", "stock_prices.close_price", "its close", nullable: true),
        new("forward_return", ExportColumnType.Double, true, "exit_price / entry_price - 1"),
        new("directional_return", ExportColumnType.Double, true, "forward_return for BUY, its negative for SELL, null for HOLD"),
        new("first_hit", ExportColumnType.String, false, "target, stop or none: which level a raw row reached first within the horizon (stop first when one row reaches both)"),
        new("hit_at", ExportColumnType.Timestamp, true, "the row that reached it"),
        new("same_bar", ExportColumnType.Boolean, false, "whether target and stop were first reached by the same row"),
    ];
}
