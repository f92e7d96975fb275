using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>A database with the trading schema installed, and the library over it.</summary>
public abstract class OperationsTest(TimescaleServerFixture server) : DatabaseTest(server)
{
    private TradingDatabase? _trading;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TradingDatabase Trading => _trading ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Changes the options the schema is installed with.</summary>
    protected virtual void Configure(TradingTimescaleOptions options)
    {
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Database.InstallSchemaAsync(Configure, Ct);
        var options = new TradingTimescaleOptions { ConnectionString = Database.ConnectionString };
        Configure(options);
        _trading = new TradingDatabase(DataSource, options);
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    protected async Task<List<string>> StringsAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var result = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
