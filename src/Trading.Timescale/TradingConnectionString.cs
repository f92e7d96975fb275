using System.Globalization;
using Npgsql;

namespace Trading.Timescale;

/// <summary>
/// Reads PostgreSQL connection settings in the forms users already have: an Npgsql connection string,
/// a <c>postgresql://</c> URL (as in <c>DATABASE_URL</c>), or the <c>DB_*</c> environment variables.
/// </summary>
public static class TradingConnectionString
{
    /// <summary>The environment variable the library, the CLI and the test-server provider read first.</summary>
    public const string EnvironmentVariable = "TRADING_TIMESCALE_CONNECTION";

    /// <summary>
    /// Returns an Npgsql connection string for <paramref name="connectionStringOrUrl"/>, which is either an
    /// Npgsql connection string or a <c>postgresql://user:password@host:port/database?sslmode=require</c> URL.
    /// </summary>
    /// <param name="connectionStringOrUrl">A connection string or URL.</param>
    /// <returns>An Npgsql connection string.</returns>
    /// <exception cref="ArgumentException">The value is empty, or a URL or connection string that cannot be read.</exception>
    public static string Normalize(string connectionStringOrUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrUrl);
        var value = connectionStringOrUrl.Trim();
        if (value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
            value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(value);
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The connection string is not valid: {ex.Message}", nameof(connectionStringOrUrl), ex);
        }
    }

    /// <summary>
    /// How often, in seconds, a multi-host data source asks each host again whether it is the primary or a standby,
    /// unless the connection string sets <c>Host Recheck Seconds</c>: after a standby is promoted, writes reach it
    /// within about this time, with no restart. Npgsql's own default is 10 seconds.
    /// </summary>
    public const int DefaultHostRecheckSeconds = 2;

    /// <summary>
    /// Returns <paramref name="connectionString"/> with <c>Host Recheck Seconds</c> set to
    /// <see cref="DefaultHostRecheckSeconds"/> when it lists several hosts and does not set it; otherwise unchanged.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The connection string to build the data source from.</returns>
    /// <exception cref="ArgumentException">The connection string cannot be read.</exception>
    public static string WithHostRecheck(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var present = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var set = present.Keys.Cast<string>().Any(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).Equals("HostRecheckSeconds", StringComparison.OrdinalIgnoreCase));
        if (set || builder.Host is null || !builder.Host.Contains(',', StringComparison.Ordinal))
        {
            return connectionString;
        }

        builder.HostRecheckSeconds = DefaultHostRecheckSeconds;
        return builder.ConnectionString;
    }

    /// <summary>
    /// Finds connection settings in the environment, in this order: <c>TRADING_TIMESCALE_CONNECTION</c>,
    /// <c>DATABASE_URL</c>, then <c>DB_HOST</c>/<c>DB_PORT</c>/<c>DB_NAME</c>/<c>DB_USER</c>/<c>DB_PASSWORD</c>.
    /// </summary>
    /// <param name="getVariable">Reads a variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when omitted.</param>
    /// <returns>An Npgsql connection string, or <see langword="null"/> when none of the variables is set.</returns>
    public static string? FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        foreach (var name in new[] { EnvironmentVariable, "DATABASE_URL" })
        {
            var value = getVariable(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return Normalize(value);
            }
        }

        var host = getVariable("DB_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = host };
        var port = getVariable("DB_PORT");
        if (!string.IsNullOrWhiteSpace(port))
        {
            builder.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                ? p
                : throw new ArgumentException($"DB_PORT '{port}' is not a port number.");
        }

        SetIfPresent(getVariable("DB_NAME"), v => builder.Database = v);
        SetIfPresent(getVariable("DB_USER"), v => builder.Username = v);
        SetIfPresent(getVariable("DB_PASSWORD"), v => builder.Password = v);
        return builder.ConnectionString;
    }

    /// <summary>
    /// Returns what of <paramref name="connectionString"/> is safe to show in messages and logs: host, port, database and
    /// user, as <c>Host=...;Port=...;Database=...;Username=...</c>. Every other keyword (Password, SSL Password, Options,
    /// key files and any keyword added later) is left out, so no secret can be printed.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string or a PostgreSQL URL.</param>
    /// <returns>The display form; <c>(a connection string that cannot be read)</c> when it cannot be read. It never throws.</returns>
    public static string Redact(string? connectionString)
    {
        if (!TryRead(connectionString, out var builder))
        {
            return Unreadable;
        }

        var shown = new NpgsqlConnectionStringBuilder { Host = builder.Host, Port = builder.Port };
        if (!string.IsNullOrEmpty(builder.Database))
        {
            shown.Database = builder.Database;
        }

        if (!string.IsNullOrEmpty(builder.Username))
        {
            shown.Username = builder.Username;
        }

        return shown.ConnectionString;
    }

    /// <summary>The short form of <see cref="Redact"/> for sentences: <c>host:port/database</c>; never a secret.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>For example <c>db.example:5432/trading_db</c>.</returns>
    internal static string Where(string? connectionString) =>
        TryRead(connectionString, out var builder)
            ? $"{builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{builder.Database ?? builder.Username ?? "(default database)"}"
            : Unreadable;

    /// <summary>
    /// Points a connection string that lists several hosts (a primary and its standbys) at the primary, unless it chose
    /// its own target session attributes: a connection made from it writes, locks or installs.
    /// </summary>
    internal static NpgsqlConnectionStringBuilder ToPrimary(this NpgsqlConnectionStringBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.TargetSessionAttributes) && builder.Host?.Contains(',', StringComparison.Ordinal) == true)
        {
            builder.TargetSessionAttributes = "primary";
        }

        return builder;
    }

    private const string Unreadable = "(a connection string that cannot be read)";

    private static bool TryRead(string? connectionString, out NpgsqlConnectionStringBuilder builder)
    {
        try
        {
            builder = new NpgsqlConnectionStringBuilder(Normalize(connectionString!));
            return true;
        }
        catch (ArgumentException)
        {
            builder = new NpgsqlConnectionStringBuilder();
            return false;
        }
    }

    private static void SetIfPresent(string? value, Action<string> set)
    {
        if (!string.IsNullOrEmpty(value))
        {
            set(value);
        }
    }

    private static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("The PostgreSQL URL is not valid: expected postgresql://user:password@host:port/database.", nameof(url));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            try
            {
                var keyword = MapUrlParameter(key);
                builder[keyword] = keyword == "SSL Mode" ? MapSslMode(value) : value;
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"The PostgreSQL URL parameter '{key}' is not supported: {ex.Message}", nameof(url), ex);
            }
        }

        return builder.ConnectionString;
    }

    private static string MapUrlParameter(string key) => key.ToLowerInvariant() switch
    {
        "sslmode" => "SSL Mode",
        "application_name" => "Application Name",
        "connect_timeout" => "Timeout",
        "options" => "Options",
        "sslrootcert" => "Root Certificate",
        "sslcert" => "SSL Certificate",
        "sslkey" => "SSL Key",
        _ => key,
    };

    /// <summary>libpq's <c>sslmode</c> spellings (<c>verify-ca</c>, <c>verify-full</c>) as Npgsql's; the others are the same words.</summary>
    private static string MapSslMode(string value) => value.ToLowerInvariant() switch
    {
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => value,
    };
}
