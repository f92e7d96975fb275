namespace Trading.Timescale.Schema;

/// <summary>
/// The health of one TimescaleDB feature that an edition may lack: its items when available, else the reason
/// it is not (for example "unavailable on the apache edition"). Nothing is reported that the server did not say.
/// </summary>
/// <typeparam name="T">The kind of item.</typeparam>
public sealed class SchemaFeatureHealth<T>
{
    internal SchemaFeatureHealth(bool available, string? unavailableReason, IReadOnlyList<T> items)
    {
        Available = available;
        UnavailableReason = unavailableReason;
        Items = items;
    }

    /// <summary>Whether the server offers the feature.</summary>
    public bool Available { get; }

    /// <summary>Why the feature is not available, or <see langword="null"/> when it is.</summary>
    public string? UnavailableReason { get; }

    /// <summary>What the server reported; empty when the feature is unavailable.</summary>
    public IReadOnlyList<T> Items { get; }

    internal static SchemaFeatureHealth<T> Of(IReadOnlyList<T> items) => new(true, null, items);

    internal static SchemaFeatureHealth<T> Unavailable(string reason) => new(false, reason, []);
}
