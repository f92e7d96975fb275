namespace Trading.Timescale;

/// <summary>The outcome of a data quality check; stored as <c>'PASS'</c>, <c>'WARN'</c> or <c>'FAIL'</c> in <c>status</c>.</summary>
public enum DataQualityStatus
{
    /// <summary>The check passed (<c>'PASS'</c>).</summary>
    Pass = 0,

    /// <summary>The measured value is near its threshold (<c>'WARN'</c>).</summary>
    Warn = 1,

    /// <summary>The check failed (<c>'FAIL'</c>).</summary>
    Fail = 2,
}
