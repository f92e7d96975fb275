using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>Listens to the library's <c>trading_timescale.retries</c> counter for one database and keeps each retry's tags.</summary>
public sealed class RetryCounter : IDisposable
{
    private readonly MeterListener _listener = new();

    public RetryCounter(string database)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Trading.Timescale" && instrument.Name == "trading_timescale.retries")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? operation = null, error = null, db = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "trading_timescale.operation": operation = tag.Value as string; break;
                    case "error.type": error = tag.Value as string; break;
                    case "db.namespace": db = tag.Value as string; break;
                }
            }

            if (db == database)
            {
                for (var i = 0; i < value; i++)
                {
                    Retries.Enqueue((operation ?? string.Empty, error ?? string.Empty));
                }
            }
        });
        _listener.Start();
    }

    public ConcurrentQueue<(string Operation, string Error)> Retries { get; } = new();

    public void Dispose() => _listener.Dispose();
}
