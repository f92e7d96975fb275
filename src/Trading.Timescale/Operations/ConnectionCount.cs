namespace Trading.Timescale.Operations;

/// <summary>How many client connections to the database are in one state (<c>pg_stat_activity.state</c>).</summary>
public sealed class ConnectionCount
{
    internal ConnectionCount(string state, long count)
    {
        State = state;
        Count = count;
    }

    /// <summary>The state: <c>active</c>, <c>idle</c>, <c>idle in transaction</c>, ...; <c>unknown</c> when the server does not say.</summary>
    public string State { get; }

    /// <summary>The number of connections in that state.</summary>
    public long Count { get; }
}
