using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Testing;

[Collection(DatabaseIsolation.Collection)]
public sealed class DatabaseIsolationSecondTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    [Fact]
    public Task This_class_has_its_own_database_that_the_other_class_cannot_see() =>
        DatabaseIsolation.VerifyAsync("second", DataSource, Database, ServerFixture.Server, TestContext.Current.CancellationToken);
}
