namespace Trading.Timescale.HealthChecks.Internal;

/// <summary>One continuous aggregate's lag: how far its materialized part trails the newest source row.</summary>
/// <param name="Aggregate">The view name.</param>
/// <param name="Lag">The lag; zero when the source is empty or fully materialized; <see langword="null"/> when nothing is materialized yet although the source has rows.</param>
internal sealed record AggregateLag(string Aggregate, TimeSpan? Lag);
