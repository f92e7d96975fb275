// The fixture sample of docs/testing.md: an xunit v3 assembly fixture and a test class on a throwaway server.
using Npgsql;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;

[assembly: AssemblyFixture(typeof(MyTests.TimescaleServerFixture))]

namespace MyTests;

public sealed class TimescaleServerFixture : IAsyncLifetime
{
    public TimescaleTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await TimescaleTestServer.StartAsync(TestContext.Current.CancellationToken);
        TestContext.Current.SendDiagnosticMessage($"Tested edition: {Server.Edition} ({Server.Describe()})");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public abstract class DatabaseTest(TimescaleServerFixture fixture) : IAsyncLifetime
{
    protected TimescaleTestDatabase Database { get; private set; } = null!;
    protected NpgsqlDataSource DataSource { get; private set; } = null!;

    protected void RequireCommunityEdition(string feature) =>
        Assert.SkipUnless(Database.Edition == TimescaleEdition.Community,
            $"{feature} needs the TimescaleDB community edition; this server runs the {Database.Edition} edition.");

    public async ValueTask InitializeAsync()
    {
        Database = await fixture.Server.CreateDatabaseAsync(GetType().Name, TestContext.Current.CancellationToken);
        var builder = new NpgsqlDataSourceBuilder(Database.ConnectionString);
        builder.UseNodaTime();
        DataSource = builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class OrderBookTests(TimescaleServerFixture fixture) : DatabaseTest(fixture)
{
    [Fact]
    public async Task Stores_a_quote()
    {
        await using var command = DataSource.CreateCommand("CREATE TABLE quotes (ts timestamptz, bid numeric)");
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
