namespace Trading.Timescale;

/// <summary>The severity of a system event, from least to most severe; stored as its upper-case name in <c>severity</c>.</summary>
public enum EventSeverity
{
    /// <summary>Diagnostic detail (<c>'DEBUG'</c>).</summary>
    Debug = 0,

    /// <summary>Normal operation (<c>'INFO'</c>).</summary>
    Info = 1,

    /// <summary>Something unexpected that did not fail (<c>'WARNING'</c>).</summary>
    Warning = 2,

    /// <summary>An operation failed (<c>'ERROR'</c>).</summary>
    Error = 3,

    /// <summary>The system cannot trade safely; kept two years (<c>'CRITICAL'</c>).</summary>
    Critical = 4,
}
