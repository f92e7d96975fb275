using System.Diagnostics;
using Npgsql;

namespace Trading.Timescale.Internal;

/// <summary>
/// The span and duration of one read: <c>using var query = new QueryScope("trading.stock_prices.range");</c>, then
/// <see cref="Succeeded"/> after the last row. A scope disposed without it (an exception, or a reader that stopped
/// early) is recorded with the outcome <c>incomplete</c>.
/// </summary>
internal sealed class QueryScope : IDisposable
{
    private readonly string _name;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Activity? _activity;
    private bool _succeeded;
    private bool _disposed;

    public QueryScope(string name, NpgsqlDataSource? dataSource = null)
    {
        _name = name;
        _dataSource = dataSource;
        _activity = TradingTelemetry.StartQuery(name, dataSource);
    }

    /// <summary>Marks the read as complete.</summary>
    public void Succeeded() => _succeeded = true;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        TradingTelemetry.RecordQueryDuration(_name, Stopwatch.GetElapsedTime(_started), _succeeded, _dataSource);
        _activity?.SetTag(TradingTelemetry.OutcomeTag, _succeeded ? "ok" : "incomplete");
        _activity?.Dispose();
    }
}
