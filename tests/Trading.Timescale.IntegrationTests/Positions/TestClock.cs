using NodaTime;

namespace Trading.Timescale.IntegrationTests.Positions;

/// <summary>A clock the test sets; it moves only when told to.</summary>
internal sealed class TestClock(Instant now) : IClock
{
    private readonly object _gate = new();
    private Instant _now = now;

    public Instant GetCurrentInstant()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(Duration duration)
    {
        lock (_gate)
        {
            _now += duration;
        }
    }
}
