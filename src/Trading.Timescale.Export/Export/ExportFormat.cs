namespace Trading.Timescale.Export;

/// <summary>The file format of an export.</summary>
public enum ExportFormat
{
    /// <summary>Apache Parquet with logical types (UTC timestamps in microseconds, decimals, strings), Snappy compressed.</summary>
    Parquet = 0,

    /// <summary>CSV with a header row, ISO 8601 UTC timestamps and invariant numbers; an empty field is a null.</summary>
    Csv = 1,
}
