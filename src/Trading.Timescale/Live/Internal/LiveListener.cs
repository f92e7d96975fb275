using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Trading.Timescale.Live.Internal;

/// <summary>
/// One LISTEN connection to the primary for one subscription. A background task drains the notifications as they come,
/// so a slow consumer never holds back the server's notification queue; notifications for the watched table collapse
/// into one pending wake-up. A broken connection (a server restart) is reopened with backoff, and each (re)connection
/// is itself a wake-up, since notifications sent while it was down are lost.
/// </summary>
internal sealed class LiveListener : IAsyncDisposable
{
    /// <summary>The channel of the notify triggers (schema/repeatable/85_live_notify.sql).</summary>
    public const string Channel = "trading_live";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _primary;
    private readonly string _table;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wakeUps = System.Threading.Channels.Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    public LiveListener(NpgsqlDataSource primary, string table, ILogger logger)
    {
        _primary = primary;
        _table = table;
        _logger = logger;
    }

    /// <summary>Starts listening and returns once the first LISTEN is in place; throws when that first attempt fails.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        await _firstConnection.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a wake-up, at most <paramref name="timeout"/>; true when one came.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_wakeUps.Reader.TryRead(out _))
        {
            return true;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _wakeUps.Reader.WaitToReadAsync(timer.Token).ConfigureAwait(false);
            return _wakeUps.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Drops a pending wake-up: the caller is about to read everything anyway.</summary>
    public void Consume() => _wakeUps.Reader.TryRead(out _);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += OnNotification;
                    using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
                    {
                        await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    backoff = TimeSpan.FromMilliseconds(100);
                    _wakeUps.Writer.TryWrite(true);
                    _firstConnection.TrySetResult();
                    try
                    {
                        while (true)
                        {
                            await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        connection.Notification -= OnNotification;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or SocketException or TimeoutException)
            {
                // A subscription that cannot listen when it starts fails: the caller hears of a wrong or unreachable server.
                if (_firstConnection.TrySetException(ex))
                {
                    return;
                }

                // The server went away (a restart, a failover): pooled connections to it are dead too.
                _primary.Clear();
                _logger.LogWarning(ex, "The live notification connection failed; listening again in {Backoff} ms.", backoff.TotalMilliseconds);
                _wakeUps.Writer.TryWrite(true);
                try
                {
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == Channel && TableOf(e.Payload) is { } table && table == _table)
        {
            _wakeUps.Writer.TryWrite(true);
        }
    }

    private static string? TableOf(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.TryGetProperty("table", out var table) ? table.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
