namespace Trading.Timescale.Export;

/// <summary>The export capability on <see cref="TradingDatabase"/>.</summary>
public static class TradingDatabaseExportExtensions
{
    /// <summary>The export of tables and feature sets to Parquet or CSV (<see cref="TradingExport"/>).</summary>
    /// <param name="database">The database.</param>
    /// <returns>The export.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is <see langword="null"/>.</exception>
    public static TradingExport Export(this TradingDatabase database) => new(database);
}
