namespace Trading.Timescale;

/// <summary>The period a performance metric covers; stored as its upper-case name in <c>period</c>.</summary>
public enum MetricPeriod
{
    /// <summary>One minute (<c>'MINUTE'</c>).</summary>
    Minute = 0,

    /// <summary>One hour (<c>'HOUR'</c>).</summary>
    Hour = 1,

    /// <summary>One day (<c>'DAY'</c>), the column's default.</summary>
    Day = 2,

    /// <summary>One week (<c>'WEEK'</c>).</summary>
    Week = 3,

    /// <summary>One month (<c>'MONTH'</c>).</summary>
    Month = 4,

    /// <summary>One quarter (<c>'QUARTER'</c>).</summary>
    Quarter = 5,

    /// <summary>One year (<c>'YEAR'</c>).</summary>
    Year = 6,

    /// <summary>The whole history (<c>'ALL'</c>).</summary>
    All = 7,
}
