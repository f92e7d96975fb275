using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>Base class for integration tests: each test class gets its own fresh database on the shared server.</summary>
public abstract class DatabaseTest(TimescaleServerFixture server) : IAsyncLifetime
{
    private TimescaleTestDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    protected TimescaleServerFixture ServerFixture { get; } = server;

    protected TimescaleTestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A data source for the test database, with NodaTime type mapping.</summary>
    protected NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("Not initialized.");

    protected TimescaleEdition Edition => Database.Edition;

    /// <summary>Skips the calling test, with its reason, unless the server runs the community edition.</summary>
    protected void RequireCommunityEdition(string feature) =>
        Assert.SkipUnless(Edition == TimescaleEdition.Community,
            $"{feature} needs the TimescaleDB community edition; this server runs the {Edition.ToString().ToLowerInvariant()} edition.");

    /// <summary>Runs <paramref name="sql"/> on the test database and returns every row's values (NULL as null).</summary>
    protected async Task<List<object?[]>> RowsAsync(string sql)
    {
        var rows = new List<object?[]>();
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(values);
        }

        return rows;
    }

    /// <summary>
    /// Refreshes a continuous aggregate over all its data with <c>CALL refresh_continuous_aggregate</c>. When background
    /// jobs run, a refresh policy may hold the aggregate at that moment (55P03): the call is repeated until it gets its turn.
    /// </summary>
    protected async Task RefreshAggregateAsync(string aggregate)
    {
        var ct = TestContext.Current.CancellationToken;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = DataSource.CreateCommand($"CALL refresh_continuous_aggregate('{aggregate}', NULL, NULL)");
                await command.ExecuteNonQueryAsync(ct);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable && attempt < 100)
            {
                await Task.Delay(300, ct);
            }
        }
    }

    public virtual async ValueTask InitializeAsync()
    {
        _database = await ServerFixture.Server.CreateDatabaseAsync(GetType().Name, TestContext.Current.CancellationToken);
        var builder = new NpgsqlDataSourceBuilder(_database.ConnectionString);
        builder.UseNodaTime();
        _dataSource = builder.Build();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
