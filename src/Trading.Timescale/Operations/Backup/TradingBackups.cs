using System.Data;
using Npgsql;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.Operations;

/// <summary>
/// Logical backups of the trading database with the real pg_dump and pg_restore: full, schema-only and per-table data
/// backups with a manifest, restores that are safe on TimescaleDB (same extension version, <c>timescaledb_pre_restore()</c>
/// and <c>timescaledb_post_restore()</c> around the data, no parallel catalog restore), and clones; and portable backups
/// (<see cref="BackupKind.Portable"/>), which a database owner without superuser takes and restores with COPY and the
/// schema installer, into any TimescaleDB version or edition.
/// </summary>
/// <remarks>
/// The password never appears in a process's arguments: it goes to pg_dump and pg_restore through a PGPASSFILE that is
/// written 0600 for the run, names the exact host, port, database and user, and is deleted afterwards. The tools get
/// one quoted connection string with every host, the TLS settings and the database, and none of the caller's PG*
/// environment variables. Backup directories are created 0700, dumps and manifests 0600.
/// </remarks>
public sealed partial class TradingBackups
{
    private readonly PgConnection _connection;

    /// <summary>Creates the backups capability for a server and database.</summary>
    /// <param name="connectionString">An Npgsql connection string or <c>postgresql://</c> URL of the database to back up or restore into.</param>
    /// <param name="postgresBinDirectory">The directory of pg_dump and pg_restore; when <see langword="null"/>, they are looked up in <c>/usr/lib/postgresql/N/bin</c>, then on PATH.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> cannot be read.</exception>
    public TradingBackups(string connectionString, string? postgresBinDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        _connection = new PgConnection(TradingConnectionString.Normalize(connectionString));
        PostgresBinDirectory = postgresBinDirectory;
    }

    /// <summary>
    /// Creates the backups capability for the server and database of a data source, with the data source's password
    /// (which <see cref="NpgsqlDataSource.ConnectionString"/> leaves out).
    /// </summary>
    /// <param name="dataSource">The data source, for example the one <c>AddTradingTimescale().UseDataSource()</c> adopts.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    public TradingBackups(NpgsqlDataSource dataSource)
        : this(ConnectionStringWithPassword(dataSource))
    {
    }

    /// <summary>The directory of pg_dump and pg_restore, or <see langword="null"/> to look them up.</summary>
    public string? PostgresBinDirectory { get; }

    /// <summary>The database that CREATE DATABASE and DROP DATABASE run from; <c>postgres</c> unless changed.</summary>
    public string MaintenanceDatabase { get; init; } = "postgres";

    /// <summary>
    /// The key that signs the manifests of new backups and that every restored backup must be signed with (see
    /// <see cref="BackupSigningKey"/>); <see langword="null"/> writes unsigned manifests and checks only the SHA-256.
    /// </summary>
    public BackupSigningKey? SigningKey { get; init; }

    /// <summary>The database backups are taken from, and restored into unless a request names another.</summary>
    public string Database => _connection.Database;

    private static string ConnectionStringWithPassword(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        // NpgsqlDataSource.ConnectionString leaves the password out; a clone of one of its connections carries it
        // (Npgsql's CloneWith keeps the data source's security information), and an unopened connection shows its full string.
        using var connection = dataSource.CreateConnection();
        using var copy = connection.CloneWith(dataSource.ConnectionString);
        return copy.ConnectionString;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static long FileSize(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left with its .partial name, which never looks complete.
        }
    }

    private static string Sanitize(string database) =>
        new([.. database.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_')]);

    private static string Signal(int exitCode) => exitCode > 128 ? $" (killed by signal {exitCode - 128})" : string.Empty;

    private static string Tail(string errors) => errors.Length == 0 ? "no error output" : errors;
}
