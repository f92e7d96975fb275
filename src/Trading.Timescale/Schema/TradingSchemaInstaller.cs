using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.Schema.Internal;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Schema;

/// <summary>
/// Installs and checks the <c>trading</c> schema: applies the versioned migrations and repeatable scripts shipped
/// in this assembly for the server's TimescaleDB edition under an advisory lock, journals them in
/// <c>trading.schema_migrations</c>, reports status and health, and exports the same SQL as a psql script.
/// </summary>
public sealed class TradingSchemaInstaller
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TradingTimescaleOptions _options;
    private readonly IMigrationSource _source;
    private readonly ILogger _logger;
    private readonly Lazy<MigrationCatalog> _catalog;

    /// <summary>Creates an installer for the database behind <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The data source; the installer borrows one connection per call and does not dispose it.</param>
    /// <param name="options">The settings written into the database; validated when migrating or exporting.</param>
    /// <param name="logger">Receives progress and server notices (at Debug level).</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public TradingSchemaInstaller(NpgsqlDataSource dataSource, TradingTimescaleOptions options, ILogger<TradingSchemaInstaller>? logger = null)
        : this(dataSource, options, EmbeddedMigrationSource.Instance, logger)
    {
    }

    internal TradingSchemaInstaller(NpgsqlDataSource dataSource, TradingTimescaleOptions options, IMigrationSource source, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        _dataSource = dataSource;
        _options = options;
        _source = source;
        _logger = logger ?? NullLogger.Instance;
        _catalog = new Lazy<MigrationCatalog>(() => MigrationCatalog.Load(_source));
    }

    /// <summary>
    /// Applies every pending schema file for the server's edition. Creates the timescaledb extension when it is
    /// missing, takes the schema lock (waiting for another installer up to <see cref="TradingTimescaleOptions.LockTimeout"/>),
    /// sets the <c>trading_timescale.*</c> settings, then runs pending versioned migrations and changed repeatable scripts.
    /// </summary>
    /// <remarks>
    /// The database keeps the settings it was installed with. This overload never changes them: a setting configured in
    /// <see cref="TradingTimescaleOptions"/> that differs from the database's is logged as a warning and listed in
    /// <see cref="SchemaMigrationReport.DeclinedSettingChanges"/>. To change a setting on purpose, call
    /// <see cref="MigrateAsync(SchemaMigrationOptions, CancellationToken)"/> with
    /// <see cref="SchemaMigrationOptions.ApplySettingChanges"/>.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the migration; a transactional file in progress is rolled back.</param>
    /// <returns>What was applied.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message names each setting.</exception>
    /// <exception cref="TradingSchemaException">
    /// TimescaleDB is not available, an applied migration was changed, the lock was not obtained in time, or a file failed.
    /// </exception>
    /// <exception cref="ScaleOut.NoPrimaryException">The connection string lists several hosts and none is a reachable primary.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The overloads differ in their first parameter's type, so no call is ambiguous.")]
    public Task<SchemaMigrationReport> MigrateAsync(CancellationToken cancellationToken = default) =>
        MigrateAsync(SchemaMigrationOptions.Default, cancellationToken);

    /// <summary>
    /// Applies every pending schema file, as <see cref="MigrateAsync(CancellationToken)"/>, and changes the database's
    /// settings where <paramref name="migration"/> allows it: with <see cref="SchemaMigrationOptions.ApplySettingChanges"/>
    /// each setting configured in <see cref="TradingTimescaleOptions"/> that differs from the database's is applied and
    /// logged as old → new; a shorter retention also needs <see cref="SchemaMigrationOptions.AllowDataRemoval"/>.
    /// </summary>
    /// <param name="migration">What the migration may change.</param>
    /// <param name="cancellationToken">Cancels the migration; a transactional file in progress is rolled back.</param>
    /// <returns>What was applied, with the setting changes applied and declined.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="migration"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">
    /// The options are invalid, or the settings the migration would run with are; the message names each setting.
    /// </exception>
    /// <exception cref="TradingSchemaException">
    /// TimescaleDB is not available, an applied migration was changed, the lock was not obtained in time, a file failed,
    /// or a setting change would remove data without <see cref="SchemaMigrationOptions.AllowDataRemoval"/> (then nothing
    /// is changed and the message says what would be dropped).
    /// </exception>
    /// <exception cref="ScaleOut.NoPrimaryException">The connection string lists several hosts and none is a reachable primary.</exception>
    public async Task<SchemaMigrationReport> MigrateAsync(SchemaMigrationOptions migration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migration);
        TradingTimescaleOptionsValidator.ThrowIfInvalid(_options, requireConnectionString: false);
        var catalog = _catalog.Value;
        var elapsed = Stopwatch.StartNew();
        using var activity = TradingTelemetry.StartMigrate(_dataSource);
        try
        {
            var report = await MigrateCoreAsync(catalog, migration, elapsed, cancellationToken).ConfigureAwait(false);
            TradingTelemetry.RecordMigrated(activity, report.Applied.Count);
            return report;
        }
        catch (Exception ex)
        {
            TradingTelemetry.Fail(activity, ex);
            throw;
        }
    }

    private async Task<SchemaMigrationReport> MigrateCoreAsync(MigrationCatalog catalog, SchemaMigrationOptions migration, Stopwatch elapsed, CancellationToken cancellationToken)
    {
        var connection = await OpenDedicatedConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notice += OnNotice;
            try
            {
                var database = connection.Database;
                var server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
                await EnsureAvailableAsync(connection, server, cancellationToken).ConfigureAwait(false);
                var lockWait = await SchemaLock.AcquireAsync(connection, _options.LockTimeout, _logger, cancellationToken).ConfigureAwait(false);
                try
                {
                    var extensionCreated = false;
                    server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
                    if (!server.ExtensionInstalled)
                    {
                        await CreateExtensionAsync(connection, cancellationToken).ConfigureAwait(false);
                        server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
                        extensionCreated = true;
                        SchemaLog.ExtensionCreated(_logger, server.TimescaleVersion, database);
                    }

                    var resolved = await ResolveSettingsAsync(connection, migration, cancellationToken).ConfigureAwait(false);
                    await CheckTimeZoneAsync(connection, resolved.Values[SchemaSettings.ExchangeTimeZoneName], cancellationToken).ConfigureAwait(false);
                    await SchemaJournal.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
                    var edition = SchemaSettings.EditionName(server.Edition);
                    var settings = SchemaSettings.ForSession(resolved.Values, server.Edition);
                    await ApplySettingsAsync(connection, settings, cancellationToken).ConfigureAwait(false);

                    var journal = await SchemaJournal.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
                    var states = Compare(catalog, catalog.ForEdition(server.Edition, settings), journal);
                    ThrowIfChanged(states, database);

                    var applied = new List<SchemaMigrationRecord>();
                    foreach (var (script, _) in states.Where(s => s.State.Status == SchemaMigrationStatus.Pending))
                    {
                        applied.Add(await ApplyAsync(connection, script, edition, cancellationToken).ConfigureAwait(false));
                    }

                    if (applied.Count == 0)
                    {
                        SchemaLog.UpToDate(_logger, database, edition);
                    }
                    else
                    {
                        SchemaLog.Finished(_logger, applied.Count, database, edition, elapsed.ElapsedMilliseconds);
                    }

                    return new SchemaMigrationReport(database, server, extensionCreated, applied, lockWait, elapsed.Elapsed)
                    {
                        Settings = resolved.ByPath(),
                        AppliedSettingChanges = resolved.Applied,
                        DeclinedSettingChanges = resolved.Declined,
                    };
                }
                finally
                {
                    await SchemaLock.ReleaseAsync(connection, _logger).ConfigureAwait(false);
                }
            }
            finally
            {
                connection.Notice -= OnNotice;
            }
        }
    }

    /// <summary>
    /// The settings this migration runs with: the database's, with the configured differences applied only when asked;
    /// checked as a whole, and refused when a change would remove data without permission.
    /// </summary>
    private async Task<ResolvedSettings> ResolveSettingsAsync(NpgsqlConnection connection, SchemaMigrationOptions migration, CancellationToken cancellationToken)
    {
        var stored = await SchemaSettingsResolver.ReadStoredAsync(connection, null, cancellationToken).ConfigureAwait(false);
        var resolved = SchemaSettingsResolver.Resolve(stored, SchemaSettings.Configured(_options), migration.ApplySettingChanges);
        var failures = TradingTimescaleOptionsValidator.CheckSettings(resolved.Values);
        if (failures.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                Microsoft.Extensions.Options.Options.DefaultName, typeof(TradingTimescaleOptions),
                [.. failures.Select(f => $"{f} (the settings database {connection.Database} would keep after this migration)")]);
        }

        var database = connection.Database;
        if (resolved.Applied.Any(c => c.RemovesData))
        {
            var removal = await SchemaSettingsResolver.DescribeRemovalAsync(connection, resolved.Applied, cancellationToken).ConfigureAwait(false);
            if (!migration.AllowDataRemoval)
            {
                throw new TradingSchemaException(
                    $"Refusing to change the settings of database {database}: {removal}. Nothing was changed. To drop that data on purpose, run `trading-timescale migrate` with --yes (SchemaMigrationOptions.AllowDataRemoval); to keep it, leave the retention as it is.");
            }

            SchemaLog.RemovingData(_logger, database, removal);
        }

        foreach (var change in resolved.Applied)
        {
            SchemaLog.SettingChanged(_logger, database, change.Path, change.DatabaseValue ?? "(none)", change.ConfiguredValue);
        }

        foreach (var change in resolved.Declined)
        {
            SchemaLog.SettingDeclined(_logger, change.Path, change.ConfiguredValue, database, change.DatabaseValue!, CliSet(change));
        }

        return resolved;
    }

    /// <summary>The CLI's way to make a declined change on purpose.</summary>
    internal static string CliSet(SchemaSettingChange change) =>
        $"trading-timescale migrate --set \"{change.Path}={change.ConfiguredValue}\"{(change.RemovesData ? " --yes" : string.Empty)}";

    /// <summary>
    /// Opens a connection of the migration's own: the same server, credentials and settings as the data source, but not
    /// pooled and not multiplexed, so the session state a migration keeps (the <c>trading_timescale.*</c> settings and the
    /// advisory lock) ends with it and never reaches the application's pool.
    /// </summary>
    private async Task<NpgsqlConnection> OpenDedicatedConnectionAsync(CancellationToken cancellationToken)
    {
        // A primary data source made from a multi-host one does not show its target in its connection string.
        var settings = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString) { Pooling = false, Multiplexing = false }.ToPrimary();
        NpgsqlConnection connection;
        using (var template = _dataSource.CreateConnection())
        {
            // CloneWith keeps what the connection string does not show: the password (or password provider) and SSL callbacks.
            connection = template.CloneWith(settings.ConnectionString);
        }

        try
        {
            await PrimaryConnection.OpenAsync(connection, _dataSource, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Lists the schema files for the server's edition with their checksums and whether and when each was applied.</summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The status; nothing is changed in the database.</returns>
    /// <exception cref="TradingSchemaException">TimescaleDB is not available on the server.</exception>
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadStatusAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reports the TimescaleDB version and edition, pending migrations, the hypertables with their chunk counts, and the
    /// continuous aggregates, policies and compression where the edition offers them (else why not).
    /// </summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The health report; <see cref="SchemaHealth.Problems"/> lists what is wrong.</returns>
    /// <exception cref="TradingSchemaException">TimescaleDB is not available on the server.</exception>
    public async Task<SchemaHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var status = await ReadStatusAsync(connection, cancellationToken).ConfigureAwait(false);
            return await SchemaHealthReader.ReadAsync(connection, status, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Throws when any schema file is pending or changed, listing their ids; use it where an application must not migrate itself.</summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>A task that completes when the schema is up to date.</returns>
    /// <exception cref="TradingSchemaException">Migrations are pending or changed; <see cref="TradingSchemaException.PendingMigrations"/> lists them.</exception>
    public async Task AssertUpToDateAsync(CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (status.IsUpToDate)
        {
            return;
        }

        var ids = status.Pending.Select(p => p.Id).ToList();
        var described = string.Join(", ", status.Pending.Select(p => p.Status == SchemaMigrationStatus.Changed ? p.Id + " (changed since applied)" : p.Id));
        throw new TradingSchemaException(
            $"The trading schema of database {status.Database} is not up to date: {ids.Count} migration(s) pending: {described}. Run `trading-timescale migrate` or call TradingSchemaInstaller.MigrateAsync.",
            null, null, ids);
    }

    /// <summary>
    /// Returns the complete SQL for <paramref name="edition"/>, for a DBA to run with
    /// <c>psql -v ON_ERROR_STOP=1 -f schema.sql</c>: the settings as <c>set_config</c> calls, the extension, the lock and the journal,
    /// then every file in order with its journal row, each skipped when the journal shows it applied. Transactional files are
    /// wrapped in BEGIN/COMMIT; no-transaction files are not.
    /// </summary>
    /// <remarks>
    /// The script holds each configured setting, else its default. Run against a database that keeps other settings, it
    /// stops before changing anything, naming each difference, unless it was exported with
    /// <see cref="SchemaMigrationOptions.ApplySettingChanges"/> for settings configured on purpose (and
    /// <see cref="SchemaMigrationOptions.AllowDataRemoval"/> for a shorter retention).
    /// </remarks>
    /// <param name="edition">The edition of the server the script is for.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The script text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="edition"/> is not community or apache.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "The overloads differ in their second parameter's type, so no call is ambiguous.")]
    public Task<string> ExportScriptAsync(TimescaleEdition edition, CancellationToken cancellationToken = default) =>
        ExportScriptAsync(edition, SchemaMigrationOptions.Default, cancellationToken);

    /// <summary>Returns the complete SQL for <paramref name="edition"/>, as <see cref="ExportScriptAsync(TimescaleEdition, CancellationToken)"/>, with what it may change.</summary>
    /// <param name="edition">The edition of the server the script is for.</param>
    /// <param name="migration">What the script may change in a database that keeps other settings.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The script text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="migration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="edition"/> is not community or apache.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public Task<string> ExportScriptAsync(TimescaleEdition edition, SchemaMigrationOptions migration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(migration);
        if (edition is not (TimescaleEdition.Community or TimescaleEdition.Apache))
        {
            throw new ArgumentOutOfRangeException(nameof(edition), edition, "A script can be exported for the community or the apache edition.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        TradingTimescaleOptionsValidator.ThrowIfInvalid(_options, requireConnectionString: false);
        var values = SchemaSettings.ConfiguredOrDefault(_options);
        var settings = SchemaSettings.ForSession(values, edition);
        var scripts = _catalog.Value.ForEdition(edition, settings);
        var changeable = migration.ApplySettingChanges ? SchemaSettings.Configured(_options).Keys.ToHashSet(StringComparer.Ordinal) : [];
        return Task.FromResult(SchemaScriptWriter.Write(edition, values[SchemaSettings.ExchangeTimeZoneName], settings, scripts, changeable, migration.AllowDataRemoval));
    }

    private async Task<SchemaStatus> ReadStatusAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var server = await TimescaleServerInfo.DetectAsync(connection, cancellationToken).ConfigureAwait(false);
        if (server.Edition == TimescaleEdition.None)
        {
            throw NotAvailable(server);
        }

        var catalog = _catalog.Value;
        var stored = await SchemaSettingsResolver.ReadStoredAsync(connection, null, cancellationToken).ConfigureAwait(false);
        var resolved = SchemaSettingsResolver.Resolve(stored, SchemaSettings.Configured(_options), applyChanges: false);
        var settings = SchemaSettings.ForSession(resolved.Values, server.Edition);
        var journal = await SchemaJournal.ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        var states = Compare(catalog, catalog.ForEdition(server.Edition, settings), journal);
        return new SchemaStatus(connection.Database, server, [.. states.Select(s => s.State)], journal)
        {
            Settings = resolved.ByPath(),
            SettingsInstalled = resolved.Installed,
            SettingDifferences = resolved.Declined,
        };
    }

    private static List<(MigrationScript Script, SchemaMigrationState State)> Compare(
        MigrationCatalog catalog, IReadOnlyList<MigrationScript> scripts, IReadOnlyList<SchemaMigrationRecord> journal)
    {
        var byId = journal.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var states = new List<(MigrationScript, SchemaMigrationState)>();
        foreach (var script in scripts)
        {
            byId.TryGetValue(script.Id, out var row);
            var status = SchemaMigrationStatus.Pending;
            if (row is not null)
            {
                if (script.Kind == SchemaMigrationKind.Repeatable)
                {
                    status = row.Checksum == script.Checksum ? SchemaMigrationStatus.Applied : SchemaMigrationStatus.Pending;
                }
                else
                {
                    // Compare with the variant that was chosen for the edition the row was applied for.
                    var appliedFile = catalog.FindVersioned(script.Id, row.Edition);
                    status = appliedFile is not null && appliedFile.Checksum == row.Checksum ? SchemaMigrationStatus.Applied : SchemaMigrationStatus.Changed;
                }
            }

            states.Add((script, new SchemaMigrationState(script.Id, script.Kind, script.Path, script.Checksum, status, row)));
        }

        return states;
    }

    private static void ThrowIfChanged(List<(MigrationScript Script, SchemaMigrationState State)> states, string database)
    {
        var changed = states.Where(s => s.State.Status == SchemaMigrationStatus.Changed).ToList();
        if (changed.Count == 0)
        {
            return;
        }

        var first = changed[0];
        var files = string.Join(", ", changed.Select(c => $"{c.Script.Path} (checksum applied {SchemaChecksum.Describe(c.State.Applied!.Checksum)}, now {SchemaChecksum.Describe(c.Script.Checksum)})"));
        throw new TradingSchemaException(
            $"Refusing to migrate database {database}: versioned migration file {files} changed after it was applied. A released migration must never be edited: restore the file and put the change in a new migration.",
            first.Script.Id, first.Script.Path, null);
    }

    private async Task<SchemaMigrationRecord> ApplyAsync(NpgsqlConnection connection, MigrationScript script, string edition, CancellationToken cancellationToken)
    {
        var statements = SqlSplitter.Split(script.Text);
        var elapsed = Stopwatch.StartNew();
        SchemaMigrationRecord record;
        if (script.NoTransaction)
        {
            for (var i = 0; i < statements.Count; i++)
            {
                // Such a file may run for minutes (aggregates materializing existing history): each step is reported.
                SchemaLog.RunningStatementOutsideTransaction(_logger, script.Path, i + 1, statements.Count, statements[i].Line);
                await ExecuteAsync(connection, null, script, statements[i], cancellationToken).ConfigureAwait(false);
            }

            record = await SchemaJournal.WriteAsync(connection, null, script, edition, elapsed.ElapsedMilliseconds, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                try
                {
                    foreach (var statement in statements)
                    {
                        await ExecuteAsync(connection, transaction, script, statement, cancellationToken).ConfigureAwait(false);
                    }

                    record = await SchemaJournal.WriteAsync(connection, transaction, script, edition, elapsed.ElapsedMilliseconds, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await RollbackQuietlyAsync(transaction).ConfigureAwait(false);
                    throw;
                }
            }
        }

        SchemaLog.Applied(_logger, script.KindName, script.Id, script.Path, connection.Database, elapsed.ElapsedMilliseconds);
        return record;
    }

    private async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, MigrationScript script, SqlStatement statement, CancellationToken cancellationToken)
    {
        SchemaLog.RunningStatement(_logger, script.Path, statement.Line);
        using var command = new NpgsqlCommand(statement.Text, connection, transaction)
        {
            CommandTimeout = (int)Math.Clamp(_options.SchemaCommandTimeout.TotalSeconds, 1, int.MaxValue),
        };
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var line = statement.Line + (ex.Position > 0 ? CountLines(statement.Text, ex.Position - 1) : 0);
            var outcome = script.NoTransaction
                ? $"The file runs outside a transaction, so the statements before line {line} stayed applied; fix the cause and migrate again: the whole file runs again (it must be idempotent)."
                : "Its transaction was rolled back and nothing of the file was kept; fix the cause and migrate again.";
            throw new TradingSchemaException(
                $"Migration {script.Id} ({script.Path}) failed at line {line} in database {connection.Database}: {ex.MessageText} (SQLSTATE {ex.SqlState}). {outcome}",
                script.Id, script.Path, null, ex);
        }
    }

    private static int CountLines(string text, int length)
    {
        var count = 0;
        for (var i = 0; i < Math.Min(length, text.Length); i++)
        {
            if (text[i] == '\n')
            {
                count++;
            }
        }

        return count;
    }

    private static async Task RollbackQuietlyAsync(NpgsqlTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection broke; the server rolls the transaction back when the session ends.
        }
    }

    private static async Task EnsureAvailableAsync(NpgsqlConnection connection, TimescaleServerInfo server, CancellationToken cancellationToken)
    {
        if (server.Edition == TimescaleEdition.None)
        {
            throw NotAvailable(server);
        }

        using var command = new NpgsqlCommand("SELECT setting FROM pg_catalog.pg_settings WHERE name = 'shared_preload_libraries'", connection);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string preload &&
            !preload.Split(',').Any(l => l.Trim().Trim('"').Equals("timescaledb", StringComparison.OrdinalIgnoreCase)))
        {
            throw new TradingSchemaException(
                $"TimescaleDB {server.TimescaleVersion} is installed on the server but not loaded: shared_preload_libraries is '{preload}'. Add timescaledb to shared_preload_libraries in postgresql.conf (for example shared_preload_libraries = 'timescaledb'), restart PostgreSQL, and migrate again.");
        }
    }

    internal static TradingSchemaException NotAvailable(TimescaleServerInfo server)
    {
        var major = server.ServerVersion.Split('.', ' ')[0];
        return new TradingSchemaException(
            $"TimescaleDB is not available on this server (PostgreSQL {server.ServerVersion}): install the package timescaledb-2-postgresql-{major}, add timescaledb to shared_preload_libraries in postgresql.conf and restart PostgreSQL (https://docs.timescale.com/self-hosted/latest/install/ lists the packages for each system); then migrate again.");
    }

    private static async Task CreateExtensionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS timescaledb", connection);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TradingSchemaException(
                $"Could not create the timescaledb extension in database {connection.Database}: {ex.MessageText} (SQLSTATE {ex.SqlState}). Ask a superuser to run CREATE EXTENSION timescaledb; in that database, then migrate again.",
                null, null, null, ex);
        }
    }

    private static async Task CheckTimeZoneAsync(NpgsqlConnection connection, string zone, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = $1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = zone });
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            throw new TradingSchemaException(
                $"TradingTimescale:ExchangeTimeZone ({zone}) is not known to the PostgreSQL server of database {connection.Database} (pg_timezone_names): use a zone the server knows, or update the server's time zone data.");
        }
    }

    private static async Task ApplySettingsAsync(NpgsqlConnection connection, IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var (name, value) in settings)
            {
                var command = new NpgsqlBatchCommand("SELECT set_config($1, $2, false)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnNotice(object sender, NpgsqlNoticeEventArgs e)
    {
        // Schema files report progress with RAISE INFO; NOTICE and the rest (such as "already exists, skipping") stay at Debug.
        if (e.Notice.InvariantSeverity == "INFO")
        {
            SchemaLog.ServerProgress(_logger, e.Notice.Severity, e.Notice.MessageText);
        }
        else
        {
            SchemaLog.ServerNotice(_logger, e.Notice.Severity, e.Notice.MessageText);
        }
    }
}
