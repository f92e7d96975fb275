namespace Trading.Timescale.Schema;

/// <summary>The TimescaleDB edition a server offers, read from the <c>timescaledb.license</c> setting.</summary>
public enum TimescaleEdition
{
    /// <summary>The timescaledb extension is not available on the server.</summary>
    None = 0,

    /// <summary>
    /// The Apache-2 edition: hypertables, chunks, <c>time_bucket</c>, <c>first</c>/<c>last</c> and
    /// <c>drop_chunks</c>. No continuous aggregates, compression, policies or jobs.
    /// </summary>
    Apache = 1,

    /// <summary>The community (TSL) edition: everything, including continuous aggregates, compression and policies.</summary>
    Community = 2,
}
