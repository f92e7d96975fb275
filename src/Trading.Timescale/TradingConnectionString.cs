using System.Globalization;
using Npgsql;

namespace Trading.Timescale;

/// <summary>
/// Reads PostgreSQL connection settings in the forms users already have: an Npgsql connection string,
/// a <c>postgresql://</c> URL (the spec's <c>DATABASE_URL</c>), or the <c>DB_*</c> environment variables.
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

    /// <summary>Returns <paramref name="connectionString"/> with any password replaced by <c>***</c>, for display.</summary>
    /// <param name="connectionString">An Npgsql connection string or a PostgreSQL URL.</param>
    /// <returns>The connection string without its password.</returns>
    public static string Redact(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(Normalize(connectionString));
        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = "***";
        }

        return builder.ConnectionString;
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
