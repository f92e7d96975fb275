namespace Trading.Timescale.Queries;

/// <summary>The order of a time series.</summary>
public enum SortDirection
{
    /// <summary>Oldest first.</summary>
    Ascending = 0,

    /// <summary>Newest first.</summary>
    Descending = 1,
}
