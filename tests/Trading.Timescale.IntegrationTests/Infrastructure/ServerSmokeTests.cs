using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

public sealed class ServerSmokeTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    [Fact]
    public async Task Test_database_has_the_timescaledb_extension()
    {
        await using var connection = await DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var info = await TimescaleServerInfo.DetectAsync(connection, TestContext.Current.CancellationToken);
        Assert.True(info.ExtensionInstalled);
        Assert.NotEqual(TimescaleEdition.None, info.Edition);
        Assert.Equal(Database.ServerInfo.TimescaleVersion, info.TimescaleVersion);
    }
}
