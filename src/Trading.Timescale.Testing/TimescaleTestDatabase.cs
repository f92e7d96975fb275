using System.Globalization;
using System.Text;
using Npgsql;
using Trading.Timescale.Schema;

namespace Trading.Timescale.Testing;

/// <summary>A throwaway database on a <see cref="TimescaleTestServer"/>; disposing it drops it.</summary>
public sealed class TimescaleTestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    internal TimescaleTestDatabase(string name, string connectionString, string adminConnectionString, TimescaleServerInfo serverInfo)
    {
        Name = name;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        ServerInfo = serverInfo;
    }

    /// <summary>The database name.</summary>
    public string Name { get; }

    /// <summary>A superuser connection string to this database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's versions and edition, read in this database (with the extension created).</summary>
    public TimescaleServerInfo ServerInfo { get; }

    /// <summary>The server's TimescaleDB edition.</summary>
    public TimescaleEdition Edition => ServerInfo.Edition;

    /// <summary>Drops the database, closing any connections still open to it.</summary>
    /// <returns>A task that completes when the database is dropped.</returns>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        var admin = new NpgsqlConnection(_adminConnectionString);
        await using (admin.ConfigureAwait(false))
        {
            await admin.OpenAsync().ConfigureAwait(false);
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    internal static string MakeName(string? prefix)
    {
        var clean = new StringBuilder("tt_");
        foreach (var c in (prefix ?? "test").ToLowerInvariant())
        {
            if (clean.Length >= 40)
            {
                break;
            }

            clean.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return clean.Append('_').Append(Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..12]).ToString();
    }
}
