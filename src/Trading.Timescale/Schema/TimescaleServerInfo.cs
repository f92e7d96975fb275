using Npgsql;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema;

/// <summary>What a PostgreSQL server offers: its version, and the TimescaleDB version and edition.</summary>
/// <param name="ServerVersion">The PostgreSQL version, for example <c>15.18</c>.</param>
/// <param name="TimescaleVersion">
/// The installed timescaledb extension version in the current database, else the default version the
/// server could install, else <see langword="null"/>.
/// </param>
/// <param name="Edition">The edition, from <c>timescaledb.license</c>.</param>
/// <param name="ExtensionInstalled">Whether the timescaledb extension is created in the current database.</param>
public sealed record TimescaleServerInfo(string ServerVersion, string? TimescaleVersion, TimescaleEdition Edition, bool ExtensionInstalled)
{
    /// <summary>Reads what the server behind <paramref name="connection"/> offers.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The server's versions and edition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    public static async Task<TimescaleServerInfo> DetectAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT current_setting('server_version'),
                   (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb'),
                   (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb'),
                   current_setting('timescaledb.license', true)
            """;
        using var command = new NpgsqlCommand(sql, connection);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        // Distributions append build details ("15.20 (Debian 15.20-0+deb12u1)"); keep the version number.
        var serverVersion = reader.GetString(0).Split(' ', 2)[0];
        var installed = reader.String(1);
        var available = reader.String(2);
        var license = reader.String(3);
        return new TimescaleServerInfo(serverVersion, installed ?? available, ParseEdition(installed ?? available, license), installed is not null);
    }

    /// <summary>Maps an extension version and a <c>timescaledb.license</c> value to an edition.</summary>
    internal static TimescaleEdition ParseEdition(string? timescaleVersion, string? license) =>
        timescaleVersion is null
            ? TimescaleEdition.None
            : string.Equals(license, "apache", StringComparison.OrdinalIgnoreCase) ? TimescaleEdition.Apache : TimescaleEdition.Community;

    /// <inheritdoc/>
    public override string ToString() =>
        $"PostgreSQL {ServerVersion}, TimescaleDB {TimescaleVersion ?? "not available"} ({Edition.ToString().ToLowerInvariant()} edition)";
}
