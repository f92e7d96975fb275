using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Trading.Timescale.Internal;
using Trading.Timescale.Live.Internal;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Live;

public sealed partial class TradingLive
{
    /// <summary>How many symbols one page read covers.</summary>
    private const int SymbolsPerRead = 100;

    private async IAsyncEnumerable<Bar> BarsCore(string[]? symbols, TimescaleInterval interval, LiveBarOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sql = BarSql.For(interval);
        var states = new SortedDictionary<string, BarState>(StringComparer.Ordinal);
        foreach (var (symbol, bucket) in options.After ?? new Dictionary<string, Instant>())
        {
            if (symbols is null || symbols.Contains(symbol, StringComparer.Ordinal))
            {
                states[symbol] = new BarState { AfterBucket = bucket };
            }
        }

        var listener = new LiveListener(_primary, "stock_prices", _logger);
        await using var listenerScope = listener.ConfigureAwait(false);
        await listener.StartAsync(cancellationToken).ConfigureAwait(false);
        var first = true;
        var dirty = new List<string>();
        while (true)
        {
            listener.Consume();
            var (latest, serverNow) = await RetryAsync(ct => LatestAsync(symbols, ct), cancellationToken).ConfigureAwait(false);
            foreach (var (symbol, last) in latest)
            {
                if (!states.TryGetValue(symbol, out var state))
                {
                    // At the start a symbol begins with the bar its newest row is in; one seen later from its first row.
                    states[symbol] = state = new BarState { StartAt = first ? last : null, StartNow = serverNow };
                }

                if (state.SeenLast != last || (state.GraceDeadline is { } deadline && deadline <= serverNow))
                {
                    state.SeenLast = last;
                    state.Dirty = true;
                }
            }

            if (first)
            {
                _logger.LogDebug("Live stock_prices subscription started: {Width} bars of {Symbols} symbol(s) with rows.", interval, latest.Count);
                first = false;
            }
            while (true)
            {
                dirty.Clear();
                dirty.AddRange(states.Where(s => s.Value.Dirty).Select(s => s.Key));
                if (dirty.Count == 0)
                {
                    break;
                }

                foreach (var batch in dirty.Chunk(SymbolsPerRead))
                {
                    var rows = await RetryAsync(ct => ReadBarsAsync(sql, batch, states, options.PageSize, ct), cancellationToken).ConfigureAwait(false);
                    foreach (var symbol in batch)
                    {
                        states[symbol].Dirty = false;
                    }

                    foreach (var group in rows.GroupBy(r => r.Bar.Symbol))
                    {
                        var state = states[group.Key];
                        var complete = 0;
                        var count = 0;
                        foreach (var row in group)
                        {
                            count++;
                            state.SeenLast = row.LastTime;
                            var byRow = row.LastTime >= row.End;
                            var byGrace = options.GracePeriod is { } grace && row.ServerNow >= row.End + grace;
                            if (byRow || byGrace)
                            {
                                // A bar that was already complete (by its grace period) when a start-at-the-moment subscription started is not new.
                                var old = !byRow && state.StartAt is { } startAt && row.Bar.Bucket <= startAt && state.StartNow >= row.End + options.GracePeriod!.Value;
                                state.RowFrom = row.End;
                                state.AfterBucket = null;
                                state.StartAt = null;
                                state.Partial = null;
                                state.GraceDeadline = null;
                                complete++;
                                if (!old)
                                {
                                    yield return row.Bar;
                                }

                                continue;
                            }

                            state.GraceDeadline = options.GracePeriod is { } wait ? row.End + wait : null;
                            if (options.IncludePartial && row.Bar != state.Partial)
                            {
                                state.Partial = row.Bar;
                                yield return row.Bar;
                            }

                            break;
                        }

                        // A full page of complete bars: more may follow at once.
                        state.Dirty = complete == count && count >= options.PageSize;
                    }
                }
            }

            var timeout = options.PollInterval.ToTimeSpan();
            foreach (var state in states.Values)
            {
                if (state.GraceDeadline is { } deadline)
                {
                    var untilDeadline = (deadline - serverNow).ToTimeSpan() + TimeSpan.FromMilliseconds(10);
                    timeout = untilDeadline < timeout ? (untilDeadline < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : untilDeadline) : timeout;
                }
            }

            await listener.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The newest row time of each symbol (of the given ones, or every symbol) and the server's clock.</summary>
    private async Task<(List<(string Symbol, Instant Last)> Latest, Instant ServerNow)> LatestAsync(string[]? symbols, CancellationToken cancellationToken)
    {
        var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(symbols is null ? BarSql.LatestOfAll : BarSql.LatestOf, connection);
            if (symbols is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = symbols, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            }

            var latest = new List<(string, Instant)>();
            var now = Instant.MinValue;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                now = reader.GetFieldValue<Instant>(2);
                if (!reader.IsDBNull(1))
                {
                    latest.Add((reader.GetString(0), reader.GetFieldValue<Instant>(1)));
                }
            }

            if (now == Instant.MinValue)
            {
                using var clock = new NpgsqlCommand("SELECT clock_timestamp()", connection);
                now = (Instant)(await clock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            return (latest, now);
        }
    }

    private async Task<List<BarRow>> ReadBarsAsync(BarSql sql, string[] symbols, SortedDictionary<string, BarState> states, int pageSize, CancellationToken cancellationToken)
    {
        var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(sql.Page, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = symbols, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(Times(symbols.Select(s => states[s].AfterBucket)));
            command.Parameters.Add(Times(symbols.Select(s => states[s].StartAt)));
            command.Parameters.Add(Times(symbols.Select(s => states[s].RowFrom)));
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize, NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sql.Width, NpgsqlDbType = NpgsqlDbType.Text });
            var rows = new List<BarRow>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var bar = new Bar(
                    reader.GetFieldValue<Instant>(1), reader.GetString(0), reader.Decimal(3), reader.Decimal(4), reader.Decimal(5), reader.Decimal(6), reader.Int64(7), reader.Decimal(8));
                rows.Add(new BarRow(bar, reader.GetFieldValue<Instant>(2), reader.GetFieldValue<Instant>(9), reader.GetFieldValue<Instant>(10)));
            }

            return rows;
        }

        static NpgsqlParameter Times(IEnumerable<Instant?> values) =>
            new() { Value = values.Select(v => v is { } t ? (object)t : DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };
    }

    private sealed record BarRow(Bar Bar, Instant End, Instant LastTime, Instant ServerNow);

    /// <summary>Where one symbol's subscription stands.</summary>
    private sealed class BarState
    {
        /// <summary>Rows at or after this instant are new: the end of the last bar yielded.</summary>
        public Instant? RowFrom { get; set; }

        /// <summary>A stored position to resume after (the start of the last bar the consumer handled).</summary>
        public Instant? AfterBucket { get; set; }

        /// <summary>At the start: the symbol's newest row, whose bar is the first one yielded once it completes.</summary>
        public Instant? StartAt { get; set; }

        public Instant StartNow { get; set; }

        public Instant? SeenLast { get; set; }

        public Instant? GraceDeadline { get; set; }

        public Bar? Partial { get; set; }

        public bool Dirty { get; set; }
    }
}
