using Npgsql;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.Tests.Operations;

/// <summary>What pg_dump and pg_restore get from an Npgsql connection string: one quoted libpq connection string and exact password-file lines.</summary>
public class BackupConnectionStringTests
{
    [Fact]
    public void Every_host_port_tls_file_and_session_attribute_reaches_the_libpq_connection_string()
    {
        var connection = new PgConnection(
            "Host=db1.example.com:5433,db2.example.com,[::1]:6432;Port=5432;Database=trading_db;Username=app;Password=secret;SSL Mode=VerifyFull;" +
            "Root Certificate=/etc/trading/ca.crt;SSL Certificate=/etc/trading/client.crt;SSL Key=/etc/trading/client.key;Target Session Attributes=read-write;Timeout=7");

        Assert.Equal(
            "host='db1.example.com,db2.example.com,::1' port='5433,5432,6432' dbname='trading_db' user='app' application_name='trading-timescale' sslmode='verify-full' " +
            "sslrootcert='/etc/trading/ca.crt' sslcert='/etc/trading/client.crt' sslkey='/etc/trading/client.key' connect_timeout='7' target_session_attrs='read-write'",
            connection.ConnInfo());
        Assert.DoesNotContain("secret", string.Join(' ', connection.Arguments()), StringComparison.Ordinal);
        Assert.Equal(
            ["db1.example.com:5433:trading_db:app:secret", "db2.example.com:5432:trading_db:app:secret", "\\:\\:1:6432:trading_db:app:secret"],
            connection.PassFileLines());
    }

    [Theory]
    [InlineData("x host=10.0.0.1 port=1", "dbname='x host=10.0.0.1 port=1'")]
    [InlineData("x' host='10.0.0.1", "dbname='x\\' host=\\'10.0.0.1'")]
    [InlineData("a\\b", "dbname='a\\\\b'")]
    public void A_database_name_stays_one_quoted_value(string database, string expected)
    {
        var connection = new PgConnection(new NpgsqlConnectionStringBuilder("Host=127.0.0.1;Username=app;Password=p:w\\d") { Database = database }.ConnectionString);

        Assert.Contains(" " + expected + " ", connection.ConnInfo(), StringComparison.Ordinal);
        Assert.Equal("--dbname=" + connection.ConnInfo(), connection.Arguments().First());
        var line = Assert.Single(connection.PassFileLines());
        Assert.EndsWith(":app:p\\:w\\\\d", line, StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1:5432:", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_child_environment_loses_every_inherited_PG_variable()
    {
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin",
            ["PGHOST"] = "elsewhere",
            ["PGPORT"] = "1",
            ["PGDATABASE"] = "postgres",
            ["PGSERVICE"] = "other",
            ["PGPASSFILE"] = "/tmp/other",
            ["PGPASSWORD"] = "leaked",
            ["PGOPTIONS"] = "-c search_path=evil",
        };

        new PgConnection("Host=127.0.0.1;Username=app;Password=pw").ApplyEnvironment(environment, "/run/pgpass", "/tmp/other");

        Assert.Equal(new Dictionary<string, string?> { ["PATH"] = "/usr/bin", ["PGPASSFILE"] = "/run/pgpass" }, environment);
    }

    [Fact]
    public void Without_a_password_the_connection_strings_passfile_is_used()
    {
        var environment = new Dictionary<string, string?> { ["PGPASSFILE"] = "/tmp/inherited" };

        new PgConnection("Host=127.0.0.1;Username=app;Passfile=/home/app/.pgpass").ApplyEnvironment(environment, null, "/tmp/inherited");

        Assert.Equal("/home/app/.pgpass", environment["PGPASSFILE"]);
        Assert.Empty(new PgConnection("Host=127.0.0.1;Username=app;Passfile=/home/app/.pgpass").PassFileLines());
    }
}
