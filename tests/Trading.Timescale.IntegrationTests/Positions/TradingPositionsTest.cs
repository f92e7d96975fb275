using NodaTime;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Positions;

namespace Trading.Timescale.IntegrationTests.Positions;

/// <summary>A fresh database with the schema installed and a <see cref="TradingPositions"/> on a test clock.</summary>
public abstract class TradingPositionsTest(TimescaleServerFixture server) : DatabaseTest(server)
{
    protected static readonly Instant Start = Instant.FromUtc(2026, 3, 2, 14, 30);

    private TradingPositions? _book;

    internal TestClock Clock { get; } = new(Start);

    protected TradingPositions Book => _book ?? throw new InvalidOperationException("Not initialized.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // The data is dated months back so that expectations stay fixed; a retention job would drop it.
        await PauseJobsAsync();
        await Database.InstallSchemaAsync(cancellationToken: Ct);
        _book = new TradingPositions(DataSource, Clock);
    }

    protected static OptionLeg Leg(string optionSymbol, OptionType right, decimal strike) =>
        new(optionSymbol, right, strike, new LocalDate(2026, 3, 20));

    protected async Task SetStockPriceAsync(string symbol, decimal? close, Instant timestamp)
    {
        await using var command = DataSource.CreateCommand(
            """
            INSERT INTO trading.latest_stock_prices (symbol, timestamp, close_price) VALUES ($1, $2, $3)
            ON CONFLICT (symbol) DO UPDATE SET timestamp = EXCLUDED.timestamp, close_price = EXCLUDED.close_price
            """);
        command.Parameters.AddWithValue(symbol);
        command.Parameters.AddWithValue(timestamp);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)close ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected async Task SetOptionQuoteAsync(string optionSymbol, string underlying, decimal? bid, decimal? ask, decimal? last, Instant timestamp)
    {
        await using var command = DataSource.CreateCommand(
            """
            INSERT INTO trading.latest_option_quotes (option_symbol, underlying_symbol, timestamp, bid_price, ask_price, last_price,
                expiration_date, strike_price, option_type)
            VALUES ($1, $2, $3, $4, $5, $6, DATE '2026-03-20', 100, 'CALL')
            ON CONFLICT (option_symbol) DO UPDATE SET timestamp = EXCLUDED.timestamp, bid_price = EXCLUDED.bid_price,
                ask_price = EXCLUDED.ask_price, last_price = EXCLUDED.last_price
            """);
        command.Parameters.AddWithValue(optionSymbol);
        command.Parameters.AddWithValue(underlying);
        command.Parameters.AddWithValue(timestamp);
        foreach (var price in new[] { bid, ask, last })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)price ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
        }

        await command.ExecuteNonQueryAsync(Ct);
    }
}
