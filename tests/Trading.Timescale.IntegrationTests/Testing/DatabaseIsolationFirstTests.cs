using Trading.Timescale.IntegrationTests.Infrastructure;

namespace Trading.Timescale.IntegrationTests.Testing;

[Collection(DatabaseIsolation.Collection)]
public sealed class DatabaseIsolationFirstTests(TimescaleServerFixture server) : DatabaseTest(server)
{
    [Fact]
    public Task This_class_has_its_own_database_that_the_other_class_cannot_see() =>
        DatabaseIsolation.VerifyAsync("first", DataSource, Database, ServerFixture.Server, TestContext.Current.CancellationToken);
}
