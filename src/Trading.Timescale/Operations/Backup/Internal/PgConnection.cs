using Npgsql;

namespace Trading.Timescale.Operations.Internal;

/// <summary>
/// How a client program reaches the server: host, port, user and database as arguments, the password in a
/// <c>PGPASSFILE</c> written 0600 for the run only, and TLS settings in the child's environment.
/// </summary>
internal sealed class PgConnection
{
    private readonly NpgsqlConnectionStringBuilder _builder;

    public PgConnection(string connectionString)
    {
        _builder = new NpgsqlConnectionStringBuilder(connectionString);
    }

    public string Database => _builder.Database ?? _builder.Username ?? "postgres";

    public string? Password => _builder.Password;

    /// <summary>The same server and credentials for another database, without pooling.</summary>
    public PgConnection ForDatabase(string database) => new(new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Database = database }.ConnectionString);

    /// <summary>An Npgsql connection string for <see cref="Database"/>, without pooling.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Pooling = false }.ConnectionString;

    /// <summary>The arguments that name the server, user and database (never the password).</summary>
    public IEnumerable<string> Arguments()
    {
        var host = (_builder.Host ?? "localhost").Split(',')[0];
        yield return "--host=" + host;
        yield return "--port=" + _builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(_builder.Username))
        {
            yield return "--username=" + _builder.Username;
        }

        yield return "--no-password";
    }

    /// <summary>Sets the child's environment: PGPASSFILE when there is a password, TLS mode, application name.</summary>
    public void ApplyEnvironment(IDictionary<string, string?> environment, string? passFile)
    {
        environment.Remove("PGPASSWORD");
        if (passFile is not null)
        {
            environment["PGPASSFILE"] = passFile;
        }

        environment["PGAPPNAME"] = "trading-timescale";
        environment["PGSSLMODE"] = _builder.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        if (!string.IsNullOrEmpty(_builder.RootCertificate))
        {
            environment["PGSSLROOTCERT"] = _builder.RootCertificate;
        }

        if (_builder.Timeout > 0)
        {
            environment["PGCONNECT_TIMEOUT"] = _builder.Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
