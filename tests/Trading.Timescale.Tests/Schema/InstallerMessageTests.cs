using Trading.Timescale.Schema;

namespace Trading.Timescale.Tests.Schema;

public class InstallerMessageTests
{
    [Fact]
    public void Missing_timescaledb_says_how_to_install_it_for_the_server_version()
    {
        var ex = TradingSchemaInstaller.NotAvailable(new TimescaleServerInfo("16.4 (Debian 16.4-1)", null, TimescaleEdition.None, false));

        Assert.Contains("TimescaleDB is not available on this server (PostgreSQL 16.4 (Debian 16.4-1))", ex.Message, StringComparison.Ordinal);
        Assert.Contains("timescaledb-2-postgresql-16", ex.Message, StringComparison.Ordinal);
        Assert.Contains("shared_preload_libraries", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://docs.timescale.com/self-hosted/latest/install/", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("scripts/", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exporting_for_no_edition_is_refused()
    {
        using var dataSource = Npgsql.NpgsqlDataSource.Create("Host=localhost");
        var installer = new TradingSchemaInstaller(dataSource, new TradingTimescaleOptions());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => installer.ExportScriptAsync(TimescaleEdition.None, TestContext.Current.CancellationToken));
    }
}
