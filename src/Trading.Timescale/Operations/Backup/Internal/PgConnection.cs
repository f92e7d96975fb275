using System.Globalization;
using System.Text;
using Npgsql;

namespace Trading.Timescale.Operations.Internal;

/// <summary>
/// How a client program (pg_dump, pg_restore) reaches the same server as Npgsql: one quoted libpq connection string
/// (every host and port, database, user, TLS mode and certificate files, target session attributes) passed as
/// <c>--dbname</c>, the password in a <c>PGPASSFILE</c> written 0600 for the run only, and no inherited <c>PG*</c>
/// variable in the child's environment.
/// </summary>
internal sealed class PgConnection
{
    private readonly NpgsqlConnectionStringBuilder _builder;
    private readonly string _applicationName;

    public PgConnection(string connectionString, string applicationName = "trading-timescale")
    {
        // A backup locks tables and a restore writes: with several hosts both need the primary, in Npgsql and in
        // pg_dump/pg_restore alike.
        _builder = new NpgsqlConnectionStringBuilder(connectionString).ToPrimary();
        _applicationName = applicationName;
    }

    /// <summary>The same connection under another <c>application_name</c>, so its session can be told apart in <c>pg_stat_activity</c>.</summary>
    public PgConnection WithApplicationName(string applicationName) => new(_builder.ConnectionString, applicationName);

    public string Database => _builder.Database ?? User;

    public string User => string.IsNullOrEmpty(_builder.Username) ? Environment.UserName : _builder.Username;

    public string? Password => _builder.Password;

    /// <summary>The same server and credentials for another database.</summary>
    public PgConnection ForDatabase(string database) => new(new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Database = database }.ConnectionString);

    /// <summary>An Npgsql connection string for <see cref="Database"/>, without pooling.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_builder.ConnectionString) { Pooling = false }.ConnectionString;

    /// <summary>The hosts and ports of the connection string in order (<c>Host=a:5433,b</c> gives a:5433 and b:Port).</summary>
    public IReadOnlyList<(string Host, int Port)> Endpoints()
    {
        var endpoints = new List<(string, int)>();
        foreach (var item in (_builder.Host ?? "localhost").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item.StartsWith('[') && item.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
            {
                var rest = item[(close + 1)..];
                endpoints.Add((item[1..close], rest.StartsWith(':') && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var bracketPort) ? bracketPort : _builder.Port));
            }
            else if (item.Count(c => c == ':') == 1 && int.TryParse(item[(item.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                endpoints.Add((item[..item.IndexOf(':', StringComparison.Ordinal)], port));
            }
            else
            {
                endpoints.Add((item, _builder.Port));
            }
        }

        return endpoints;
    }

    /// <summary>
    /// The libpq connection string: every value single-quoted with <c>\</c> and <c>'</c> escaped, so a database name such
    /// as <c>x host=elsewhere</c> stays one database name and never a setting.
    /// </summary>
    public string ConnInfo()
    {
        var endpoints = Endpoints();
        var parts = new List<(string Key, string Value)>
        {
            ("host", string.Join(',', endpoints.Select(e => e.Host))),
            ("port", string.Join(',', endpoints.Select(e => e.Port.ToString(CultureInfo.InvariantCulture)))),
            ("dbname", Database),
            ("user", User),
            ("application_name", _applicationName),
            ("sslmode", _builder.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            }),
        };
        AddIfSet(parts, "sslrootcert", _builder.RootCertificate);
        AddIfSet(parts, "sslcert", _builder.SslCertificate);
        AddIfSet(parts, "sslkey", _builder.SslKey);
        AddIfSet(parts, "options", _builder.Options);
        if (_builder.Timeout > 0)
        {
            parts.Add(("connect_timeout", _builder.Timeout.ToString(CultureInfo.InvariantCulture)));
        }

        // libpq knows these target session attributes; prefer-primary has no libpq equivalent and any host will do.
        if (_builder.TargetSessionAttributes is { Length: > 0 } attributes
            && attributes.ToLowerInvariant() is "read-write" or "read-only" or "primary" or "standby" or "prefer-standby" or "any")
        {
            parts.Add(("target_session_attrs", attributes.ToLowerInvariant()));
        }

        return string.Join(' ', parts.Select(p => p.Key + "=" + Quote(p.Value)));
    }

    /// <summary>The arguments that name the server, user and database (never the password): one <c>--dbname</c> connection string.</summary>
    public IEnumerable<string> Arguments()
    {
        yield return "--dbname=" + ConnInfo();
        yield return "--no-password";
    }

    /// <summary>
    /// The lines of a password file for this connection: one per host and port, naming this database and user exactly.
    /// A Unix-socket directory also gets a <c>localhost</c> line, the name libpq looks up for its default socket.
    /// </summary>
    public IEnumerable<string> PassFileLines()
    {
        if (string.IsNullOrEmpty(Password))
        {
            yield break;
        }

        foreach (var (host, port) in Endpoints())
        {
            var portText = port.ToString(CultureInfo.InvariantCulture);
            yield return string.Join(':', PassField(host), portText, PassField(Database), PassField(User), PassField(Password));
            if (host.StartsWith('/'))
            {
                yield return string.Join(':', "localhost", portText, PassField(Database), PassField(User), PassField(Password));
            }
        }
    }

    /// <summary>
    /// Sets the child's environment: every inherited <c>PG*</c> variable removed (PGHOST, PGPORT, PGDATABASE, PGSERVICE,
    /// PGPASSFILE, PGOPTIONS...), then PGPASSFILE set to the run's password file, or without a password to the
    /// password file Npgsql would read (the connection string's Passfile, else the caller's PGPASSFILE).
    /// </summary>
    public void ApplyEnvironment(IDictionary<string, string?> environment, string? passFile, string? inheritedPassFile)
    {
        foreach (var name in environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(name);
        }

        var file = passFile ?? (string.IsNullOrEmpty(_builder.Passfile) ? inheritedPassFile : _builder.Passfile);
        if (!string.IsNullOrEmpty(file))
        {
            environment["PGPASSFILE"] = file;
        }
    }

    private static void AddIfSet(List<(string, string)> parts, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add((key, value));
        }
    }

    private static string Quote(string value)
    {
        var quoted = new StringBuilder("'", value.Length + 2);
        foreach (var c in value)
        {
            if (c is '\\' or '\'')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('\'').ToString();
    }

    private static string PassField(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
}
