namespace Trading.Timescale.Operations;

/// <summary>What to back up and where.</summary>
/// <param name="Kind">Full, schema-only, or the data of named tables.</param>
/// <param name="Directory">The directory the dump and its manifest are written to; created when missing.</param>
public sealed record BackupRequest(BackupKind Kind, string Directory)
{
    /// <summary>
    /// The tables of a <see cref="BackupKind.Data"/> backup, as <c>stock_prices</c> or <c>trading.stock_prices</c>;
    /// must be empty for the other kinds.
    /// </summary>
    public IReadOnlyList<string> Tables { get; init; } = [];
}
