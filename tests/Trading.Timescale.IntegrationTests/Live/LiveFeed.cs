using System.Globalization;
using System.Text;
using System.Threading.Channels;
using NodaTime;
using Npgsql;
using Trading.Timescale.Live;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Live;

/// <summary>Rows for the live tests, and a subscription drained into a channel by a background task.</summary>
internal static class LiveFeed
{
    public static readonly Instant Start = Instant.FromUtc(2026, 6, 1, 14, 0);

    /// <summary>Three rows per minute for each symbol over minutes [first, first + count).</summary>
    public static List<StockPrice> Minutes(IEnumerable<string> symbols, int first, int count) =>
        [.. from minute in Enumerable.Range(first, count)
            from symbol in symbols
            from second in new[] { 0, 20, 40 }
            let price = 100m + minute + (second / 100m) + (symbol.Length / 10m)
            select new StockPrice
            {
                Symbol = symbol,
                Timestamp = Start + Duration.FromMinutes(minute) + Duration.FromSeconds(second),
                OpenPrice = price,
                HighPrice = price + 0.5m,
                LowPrice = price - 0.5m,
                ClosePrice = price + 0.25m,
                Volume = 1000 + minute + second,
                Vwap = price + 0.1m,
            }];

    /// <summary>Writes the rows with <c>psql \copy</c>, as a DBA or another tool would.</summary>
    public static Task CopyWithPsqlAsync(string connectionString, IEnumerable<StockPrice> rows, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Symbol},{Iso(r.Timestamp)},{r.OpenPrice},{r.HighPrice},{r.LowPrice},{r.ClosePrice},{r.Volume},{r.Vwap}\n");
        }

        return CopyWithPsqlAsync(connectionString, "trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)", text.ToString(), cancellationToken);
    }

    /// <summary>Writes CSV lines into <paramref name="target"/> (a table and its column list) with <c>psql \copy</c>.</summary>
    public static async Task CopyWithPsqlAsync(string connectionString, string target, string csv, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("live-copy-").FullName;
        try
        {
            var file = Path.Combine(directory, "rows.csv");
            await File.WriteAllTextAsync(file, csv, cancellationToken);
            var script = Path.Combine(directory, "copy.sql");
            await File.WriteAllTextAsync(script, $"\\copy {target} FROM '{file}' WITH (FORMAT csv)\n", cancellationToken);
            var (exitCode, _, error) = await Psql.RunFileAsync(connectionString, script, cancellationToken);
            Assert.True(exitCode == 0, error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static string Iso(Instant instant) => instant.ToString("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Drains <paramref name="items"/> into a channel until cancelled; the task ends with the enumeration.</summary>
    public static (ChannelReader<T> Items, Task Completion) Drain<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<T>();
        var completion = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var item in items.WithCancellation(cancellationToken))
                    {
                        await channel.Writer.WriteAsync(item, CancellationToken.None);
                    }
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None);
        return (channel.Reader, completion);
    }

    /// <summary>
    /// Starts a subscription on a <see cref="TradingLive"/> of its own and returns once it has taken its starting position
    /// (its "subscription started" log entry), so that rows written afterwards are new to it.
    /// </summary>
    public static async Task<(ChannelReader<T> Items, Task Completion)> SubscribeAsync<T>(
        NpgsqlDataSource dataSource, Func<TradingLive, IAsyncEnumerable<T>> subscribe, CancellationToken cancellationToken, NpgsqlDataSource? primary = null)
    {
        var logger = new CapturingLogger<TradingLive>();
        var drained = Drain(subscribe(new TradingLive(dataSource, primary, logger)), cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!logger.Entries.Any(e => e.Message.Contains("subscription started", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the subscription did not start within 30 s");
            Assert.False(drained.Completion.IsCompleted, "the subscription ended before it started");
            await Task.Delay(20, cancellationToken);
        }

        return drained;
    }

    /// <summary>Reads exactly <paramref name="count"/> items within <paramref name="timeout"/>, then checks that no more come for a moment.</summary>
    public static async Task<List<T>> TakeAsync<T>(ChannelReader<T> items, int count, TimeSpan timeout, TimeSpan quiet)
    {
        var list = new List<T>();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (list.Count < count)
            {
                list.Add(await items.ReadAsync(deadline.Token));
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"{list.Count} of {count} items arrived within {timeout}: [{string.Join(", ", list)}]");
        }

        await Task.Delay(quiet, TestContext.Current.CancellationToken);
        var extra = new List<T>();
        while (items.TryRead(out var more))
        {
            extra.Add(more);
        }

        Assert.True(extra.Count == 0, $"{extra.Count} more item(s) than expected: [{string.Join(", ", extra)}]");
        return list;
    }
}
