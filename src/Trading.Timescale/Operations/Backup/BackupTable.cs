namespace Trading.Timescale.Operations;

/// <summary>A table in a backup and how many of its rows the backup holds.</summary>
/// <param name="Name">The qualified table name, for example <c>trading.stock_prices</c>.</param>
/// <param name="Rows">The rows in the backup (0 for a table whose rows a schema backup leaves out).</param>
public sealed record BackupTable(string Name, long Rows);
