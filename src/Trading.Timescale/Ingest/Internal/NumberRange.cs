
namespace Trading.Timescale.Ingest.Internal;

/// <summary>What a numeric column accepts besides its precision.</summary>
internal enum NumberRange
{
    Any,
    Positive,
    NonNegative,
}
