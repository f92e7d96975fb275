using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>
/// The outcome of the data quality checks: for each check one summary row (no symbol; PASS when nothing was found),
/// and one row per symbol with a problem, as written to <c>trading.data_quality</c>.
/// </summary>
public sealed class DataQualityReport
{
    internal DataQualityReport(Instant asOf, Instant windowStart, IReadOnlyList<DataQualityCheck> checks, bool recorded)
    {
        AsOf = asOf;
        WindowStart = windowStart;
        Checks = checks;
        Recorded = recorded;
    }

    /// <summary>The moment the checks were made as of (the timestamp of every row).</summary>
    public Instant AsOf { get; }

    /// <summary>The start of the window checked.</summary>
    public Instant WindowStart { get; }

    /// <summary>The summary row of each check, then the rows of the symbols with problems.</summary>
    public IReadOnlyList<DataQualityCheck> Checks { get; }

    /// <summary>Whether the rows were written to <c>trading.data_quality</c>.</summary>
    public bool Recorded { get; }

    /// <summary>The rows of symbols with problems (status WARN or FAIL).</summary>
    public IEnumerable<DataQualityCheck> Problems => Checks.Where(c => c.Symbol is not null && c.Status != DataQualityStatus.Pass);
}
