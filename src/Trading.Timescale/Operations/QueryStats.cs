namespace Trading.Timescale.Operations;

/// <summary>One normalized statement from <c>pg_stat_statements</c> in this database.</summary>
public sealed class QueryStats
{
    internal QueryStats(string query, long calls, double totalExecTimeMs, double meanExecTimeMs, long rows)
    {
        Query = query;
        Calls = calls;
        TotalExecTimeMs = totalExecTimeMs;
        MeanExecTimeMs = meanExecTimeMs;
        Rows = rows;
    }

    /// <summary>The normalized statement text (constants replaced by <c>$n</c>).</summary>
    public string Query { get; }

    /// <summary>How many times it ran.</summary>
    public long Calls { get; }

    /// <summary>Total execution time in milliseconds (<c>total_exec_time</c>).</summary>
    public double TotalExecTimeMs { get; }

    /// <summary>Mean execution time in milliseconds (<c>mean_exec_time</c>).</summary>
    public double MeanExecTimeMs { get; }

    /// <summary>Rows returned or affected in all.</summary>
    public long Rows { get; }
}
