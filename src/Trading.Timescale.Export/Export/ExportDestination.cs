namespace Trading.Timescale.Export;

/// <summary>Where and how an export's files are written; shared by table and feature-set exports.</summary>
public abstract class ExportDestination
{
    /// <summary>The default rows per Parquet row group.</summary>
    public const int DefaultRowGroupSize = 100_000;

    private protected ExportDestination()
    {
    }

    /// <summary>
    /// A directory (created when missing; it must be empty when it exists) or <c>s3://bucket/prefix</c>, written through
    /// <see cref="Operations.S3BackupStore.FromEnvironment"/> (AWS settings from the environment).
    /// </summary>
    public required string Output { get; init; }

    /// <summary>The file format; Parquet by default.</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Parquet;

    /// <summary>Rows per Parquet row group (and the most rows held in memory per open file); 100,000 by default.</summary>
    public int RowGroupSize { get; init; } = DefaultRowGroupSize;

    /// <summary>Whether each date partition is split further by symbol (<c>date=D/symbol=S/part-0.parquet</c>).</summary>
    public bool PartitionBySymbol { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Output))
        {
            throw new ArgumentException("Output must name a directory or an s3://bucket/prefix location.", nameof(Output));
        }

        if (RowGroupSize is < 1 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(RowGroupSize), RowGroupSize, "RowGroupSize must be between 1 and 10,000,000 rows.");
        }

        if (!Enum.IsDefined(Format))
        {
            throw new ArgumentOutOfRangeException(nameof(Format), Format, "Format must be Parquet or Csv.");
        }
    }
}
