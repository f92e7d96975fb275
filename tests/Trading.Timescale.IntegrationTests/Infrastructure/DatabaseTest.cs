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
