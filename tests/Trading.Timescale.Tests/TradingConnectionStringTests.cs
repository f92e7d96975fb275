namespace Trading.Timescale.Tests;

public class TradingConnectionStringTests
{
    [Fact]
    public void Url_is_turned_into_an_npgsql_connection_string()
    {
        var result = TradingConnectionString.Normalize("postgresql://trading_admin:p%40ss@db.example:6432/trading_db?sslmode=require");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(result);
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6432, builder.Port);
        Assert.Equal("trading_admin", builder.Username);
        Assert.Equal("p@ss", builder.Password);
        Assert.Equal("trading_db", builder.Database);
        Assert.Equal(Npgsql.SslMode.Require, builder.SslMode);
    }

    [Fact]
    public void Environment_is_read_in_the_documented_order()
    {
        var variables = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://a:b@url-host/url_db",
            ["DB_HOST"] = "db-host",
        };
        Assert.Equal("url-host", new Npgsql.NpgsqlConnectionStringBuilder(TradingConnectionString.FromEnvironment(n => variables.GetValueOrDefault(n))).Host);

        variables[TradingConnectionString.EnvironmentVariable] = "Host=first;Database=d";
        Assert.Equal("first", new Npgsql.NpgsqlConnectionStringBuilder(TradingConnectionString.FromEnvironment(n => variables.GetValueOrDefault(n))).Host);

        var parts = new Dictionary<string, string?> { ["DB_HOST"] = "h", ["DB_PORT"] = "5433", ["DB_NAME"] = "trading_db", ["DB_USER"] = "u", ["DB_PASSWORD"] = "pw" };
        var fromParts = new Npgsql.NpgsqlConnectionStringBuilder(TradingConnectionString.FromEnvironment(n => parts.GetValueOrDefault(n)));
        Assert.Equal(("h", 5433, "trading_db", "u", "pw"), (fromParts.Host, fromParts.Port, fromParts.Database, fromParts.Username, fromParts.Password));

        Assert.Null(TradingConnectionString.FromEnvironment(_ => null));
    }

    [Fact]
    public void Bad_port_names_the_variable()
    {
        var ex = Assert.Throws<ArgumentException>(() => TradingConnectionString.FromEnvironment(n => n switch { "DB_HOST" => "h", "DB_PORT" => "abc", _ => null }));
        Assert.Contains("DB_PORT 'abc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_shows_host_port_database_and_user_only()
    {
        var fromUrl = TradingConnectionString.Redact("postgresql://u:secret@h/d");
        var withSecrets = TradingConnectionString.Redact(
            "Host=db.example;Port=6543;Database=trading_db;Username=app;Password=pw-1;SSL Password=key-pass-2;SSL Key=/keys/client.key;Options=-c secret=3");

        Assert.Equal("Host=h;Port=5432;Database=d;Username=u", fromUrl);
        Assert.Equal("Host=db.example;Port=6543;Database=trading_db;Username=app", withSecrets);
        Assert.Equal("Host=db.example;Port=5432", TradingConnectionString.Redact("Host=db.example"));
    }

    [Fact]
    public void Redact_of_text_that_is_not_a_connection_string_shows_nothing_of_it()
    {
        Assert.Equal("(a connection string that cannot be read)", TradingConnectionString.Redact("Host=h;Password=pw-1;Bogus Key=x"));
        Assert.Equal("(a connection string that cannot be read)", TradingConnectionString.Redact("postgresql://"));
    }
}
