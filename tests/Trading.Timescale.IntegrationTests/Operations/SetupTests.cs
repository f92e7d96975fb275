using System.Security.Cryptography;
using Npgsql;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

public sealed class SetupTests(Infrastructure.TimescaleServerFixture server) : Infrastructure.DatabaseTest(server)
{
    private readonly string _name = "tt_setup_" + RandomNumberGenerator.GetHexString(8, lowercase: true);
    private readonly string _password = "Own3r-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Owner => _name + "_owner";

    [Fact]
    public async Task Setup_creates_the_database_and_owner_and_a_second_run_is_a_no_op()
    {
        var request = new DatabaseSetupRequest { Database = _name, Owner = Owner, OwnerPassword = _password };

        var first = await TradingOperations.SetupDatabaseAsync(ServerFixture.Server.ConnectionString, request, Ct);
        var second = await TradingOperations.SetupDatabaseAsync(ServerFixture.Server.ConnectionString, new DatabaseSetupRequest { Database = _name, Owner = Owner }, Ct);
        var samePassword = await TradingOperations.SetupDatabaseAsync(ServerFixture.Server.ConnectionString, request, Ct);

        Assert.True(first.RoleCreated);
        Assert.True(first.DatabaseCreated);
        Assert.Equal(Edition != Trading.Timescale.Schema.TimescaleEdition.None, first.ExtensionCreated);
        Assert.False(first.NothingChanged);
        Assert.True(second.NothingChanged, "a second run changes nothing");
        Assert.True(samePassword.PasswordChanged, "a given password is set again: the stored verifier is not read");
        Assert.False(samePassword.RoleCreated || samePassword.DatabaseCreated || samePassword.ExtensionCreated || samePassword.PublicCreateRevoked);
        Assert.Equal(first.ExtensionVersion, second.ExtensionVersion);

        // The owner logs in with the password and installs the schema as the spec's trading_admin would.
        var ownerConnection = new NpgsqlConnectionStringBuilder(ServerFixture.Server.ConnectionString) { Database = _name, Username = Owner, Password = _password, Pooling = false }.ConnectionString;
        await using var trading = TradingDatabase.Create(ownerConnection);
        await trading.Schema.MigrateAsync(Ct);
        await using var command = trading.DataSource.CreateCommand("SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'trading'");
        Assert.Equal(Owner, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Setup_without_a_password_for_a_missing_owner_says_what_to_give()
    {
        var error = await Assert.ThrowsAsync<TradingOperationsException>(() => TradingOperations.SetupDatabaseAsync(
            ServerFixture.Server.ConnectionString, new DatabaseSetupRequest { Database = _name, Owner = Owner }, Ct));

        Assert.Contains($"the owner role '{Owner}' does not exist: give its password", error.Message, StringComparison.Ordinal);
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM pg_database WHERE datname = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = _name });
        Assert.Equal(0L, await command.ExecuteScalarAsync(Ct));
    }

    public override async ValueTask DisposeAsync()
    {
        await using (var drop = DataSource.CreateCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)"))
        {
            await drop.ExecuteNonQueryAsync(Ct);
        }

        await Infrastructure.TestRoles.DropAsync(Database.ConnectionString, [Owner]);

        await base.DisposeAsync();
    }
}
