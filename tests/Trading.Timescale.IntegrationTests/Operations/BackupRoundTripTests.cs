using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>Full, schema and data backups restored into new databases with the real pg_dump and pg_restore.</summary>
public sealed class BackupRoundTripTests(TimescaleServerFixture server) : BackupTest(server)
{
    [Fact]
    public async Task Full_backup_restores_every_table_with_equal_rows_and_an_intact_journal()
    {
        await LoadEveryTableAsync();
        var source = await FingerprintAsync(Database.ConnectionString);

        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);

        Assert.True(File.Exists(backup.DumpPath));
        Assert.Equal(BackupManifest.PathFor(backup.DumpPath), backup.ManifestPath);
        Assert.Equal(backup.Manifest.ToJson(), BackupManifest.Parse(await File.ReadAllTextAsync(backup.ManifestPath, Ct), backup.ManifestPath).ToJson());
        Assert.Equal(BackupKind.Full, backup.Manifest.Kind);
        Assert.Equal(Database.ServerInfo.TimescaleVersion, backup.Manifest.TimescaleVersion);
        Assert.Equal(Edition, backup.Manifest.Edition);
        Assert.Equal(new FileInfo(backup.DumpPath).Length, backup.Manifest.SizeBytes);
        Assert.Equal(await BackupDirectory.Sha256Async(backup.DumpPath, cancellationToken: Ct), backup.Manifest.Sha256);
        Assert.Equal(source.ToDictionary(t => t.Key, t => t.Value.Rows), backup.Manifest.Tables.ToDictionary(t => t.Name, t => t.Rows));
        Assert.Equal(source["trading.schema_migrations"].Rows, backup.Manifest.Journal.Count);
        foreach (var table in new[] { "stock_prices", "options_data", "signals", "positions", "position_trades", "performance_metrics", "data_quality", "system_events", "system_events_critical" })
        {
            Assert.True(source["trading." + table].Rows > 0, $"trading.{table} has no rows to back up");
        }

        var target = NewDatabaseName("full");
        var restored = await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);

        Assert.Equal(target, restored.Database);
        Assert.True(restored.Created);
        Assert.Equal(source, await FingerprintAsync(ConnectionStringFor(target)));
        const string hypertables = "SELECT string_agg(hypertable_name || ':' || num_chunks, ',' ORDER BY hypertable_name) FROM timescaledb_information.hypertables";
        Assert.Equal(await ScalarAsync<string>(Database.ConnectionString, hypertables), await ScalarAsync<string>(ConnectionStringFor(target), hypertables));
        Assert.Equal("off", await ScalarAsync<string>(ConnectionStringFor(target), "SELECT current_setting('timescaledb.restoring')"));

        await using var dataSource = NpgsqlDataSource.Create(ConnectionStringFor(target));
        var report = await new TradingSchemaInstaller(dataSource, new TradingTimescaleOptions(), NullLogger<TradingSchemaInstaller>.Instance).MigrateAsync(Ct);
        Assert.Empty(report.Applied);

        // New rows still go through the restored hypertable, its triggers and sequences.
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO trading.system_events (event_type, severity, source, message) VALUES ('restore', 'CRITICAL', 'test', 'after restore') RETURNING id");
        var id = (long)(await insert.ExecuteScalarAsync(Ct))!;
        Assert.Equal(1L, await ScalarAsync<long>(ConnectionStringFor(target), $"SELECT count(*) FROM trading.system_events_critical WHERE id = {id}"));
    }

    [Fact]
    public async Task Community_aggregates_policies_and_compressed_chunks_come_back_working()
    {
        RequireCommunityEdition("Restoring continuous aggregates, their policies and compressed chunks");
        await LoadEveryTableAsync();
        var aggregates = new List<string>();
        await using (var list = DataSource.CreateCommand(
            "SELECT format('%I.%I', view_schema, view_name) FROM timescaledb_information.continuous_aggregates ORDER BY materialization_hypertable_name"))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                aggregates.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(aggregates);
        foreach (var aggregate in aggregates)
        {
            await RefreshAggregateAsync(aggregate);
        }

        await ExecuteAsync("SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('trading.stock_prices') c");
        const string compressed = "SELECT string_agg(chunk_name || ':' || is_compressed, ',' ORDER BY chunk_name) FROM timescaledb_information.chunks WHERE hypertable_name = 'stock_prices'";
        const string jobs = """
            SELECT string_agg(proc_name || ':' || coalesce(hypertable_name, '') || ':' || schedule_interval::text || ':' || coalesce(config::text, ''), ',' ORDER BY proc_name, hypertable_name, config::text)
            FROM timescaledb_information.jobs WHERE job_id >= 1000
            """;
        var sourceCompressed = await ScalarAsync<string>(Database.ConnectionString, compressed);
        Assert.Contains(":True", sourceCompressed, StringComparison.OrdinalIgnoreCase);
        var sourceAggregates = new Dictionary<string, string>();
        foreach (var aggregate in aggregates)
        {
            sourceAggregates[aggregate] = await ScalarAsync<string>(Database.ConnectionString, $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {aggregate} t");
        }

        var source = await FingerprintAsync(Database.ConnectionString);
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName("community");
        await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        var restored = ConnectionStringFor(target);

        Assert.Equal(source, await FingerprintAsync(restored));
        Assert.Equal(sourceCompressed, await ScalarAsync<string>(restored, compressed));
        Assert.Equal(await ScalarAsync<string>(Database.ConnectionString, jobs), await ScalarAsync<string>(restored, jobs));
        foreach (var aggregate in aggregates)
        {
            Assert.Equal(sourceAggregates[aggregate], await ScalarAsync<string>(restored, $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {aggregate} t"));
        }

        // The restored policies run: a refresh job, explicitly (background jobs are not relied on).
        var refreshJob = await ScalarAsync<int>(restored, "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate' ORDER BY job_id LIMIT 1");
        await using var connection = new NpgsqlConnection(restored);
        await connection.OpenAsync(Ct);
        await using var run = new NpgsqlCommand($"CALL run_job({refreshJob})", connection);
        await run.ExecuteNonQueryAsync(Ct);
    }

    [Fact]
    public async Task Schema_backup_restores_tables_hypertables_and_journal_without_rows()
    {
        await LoadEveryTableAsync();
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Schema, BackupDirectoryPath), cancellationToken: Ct);
        Assert.Equal(BackupKind.Schema, backup.Manifest.Kind);
        Assert.All(backup.Manifest.Tables.Where(t => t.Name != "trading.schema_migrations"), t => Assert.Equal(0, t.Rows));

        var target = NewDatabaseName("schema");
        await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Schema, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);

        var source = await FingerprintAsync(Database.ConnectionString);
        var restored = await FingerprintAsync(ConnectionStringFor(target));
        Assert.Equal(source.Keys, restored.Keys);
        Assert.Equal(source["trading.schema_migrations"], restored["trading.schema_migrations"]);
        Assert.All(restored.Where(t => t.Key != "trading.schema_migrations"), t => Assert.Equal(0, t.Value.Rows));
        const string hypertables = "SELECT string_agg(hypertable_name, ',' ORDER BY hypertable_name) FROM timescaledb_information.hypertables";
        Assert.Equal(await ScalarAsync<string>(Database.ConnectionString, hypertables), await ScalarAsync<string>(ConnectionStringFor(target), hypertables));

        await using var dataSource = NpgsqlDataSource.Create(ConnectionStringFor(target));
        Assert.Empty((await new TradingSchemaInstaller(dataSource, new TradingTimescaleOptions()).MigrateAsync(Ct)).Applied);
    }

    [Fact]
    public async Task Schema_restore_of_a_full_backup_leaves_the_rows_out()
    {
        await LoadEveryTableAsync();
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName("fullschema");

        await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Schema, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);

        var restored = await FingerprintAsync(ConnectionStringFor(target));
        Assert.Equal(0, restored["trading.stock_prices"].Rows);
        Assert.Equal(0, restored["trading.positions"].Rows);
        Assert.Equal(backup.Manifest.Journal.Count, restored["trading.schema_migrations"].Rows);
    }

    [Fact]
    public async Task Data_backup_of_two_tables_holds_exactly_their_rows()
    {
        await LoadEveryTableAsync();
        var schema = await Backups.BackupAsync(new BackupRequest(BackupKind.Schema, BackupDirectoryPath), cancellationToken: Ct);
        var data = await Backups.BackupAsync(new BackupRequest(BackupKind.Data, BackupDirectoryPath) { Tables = ["trading.stock_prices", "signals"] }, cancellationToken: Ct);

        var source = await FingerprintAsync(Database.ConnectionString);
        Assert.Equal(
            [("trading.signals", source["trading.signals"].Rows), ("trading.stock_prices", source["trading.stock_prices"].Rows)],
            data.Manifest.Tables.Select(t => (t.Name, t.Rows)).OrderBy(t => t.Name));

        // Loaded with pg_restore --data-only into a database restored from the schema backup of the same moment.
        var target = NewDatabaseName("data");
        await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Schema, schema.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        await PgRestoreDataOnlyAsync(target, data.DumpPath);

        var restored = await FingerprintAsync(ConnectionStringFor(target));
        Assert.Equal(source["trading.stock_prices"], restored["trading.stock_prices"]);
        Assert.Equal(source["trading.signals"], restored["trading.signals"]);
        Assert.Equal(0, restored["trading.options_data"].Rows);
        Assert.Equal(0, restored["trading.positions"].Rows);
    }

    [Fact]
    public async Task Data_backup_of_an_unknown_table_is_refused_by_name_and_writes_nothing()
    {
        var error = await Assert.ThrowsAsync<TradingBackupException>(() =>
            Backups.BackupAsync(new BackupRequest(BackupKind.Data, BackupDirectoryPath) { Tables = ["trading.stock_prices", "trading.nope"] }, cancellationToken: Ct));

        Assert.Contains("\"trading.nope\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("trading.stock_prices", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(BackupDirectoryPath));
    }

    [Fact]
    public async Task Data_backup_of_a_table_with_compressed_chunks_is_refused_by_name_and_writes_nothing()
    {
        RequireCommunityEdition("Compressed chunks");
        await LoadEveryTableAsync();
        var chunk = await ScalarAsync<string>(Database.ConnectionString,
            "SELECT compress_chunk(s.c)::text FROM (SELECT c FROM show_chunks('trading.signals') c ORDER BY c::text LIMIT 1) s");

        var error = await Assert.ThrowsAsync<TradingBackupException>(() =>
            Backups.BackupAsync(new BackupRequest(BackupKind.Data, BackupDirectoryPath) { Tables = ["trading.stock_prices", "trading.signals"] }, cancellationToken: Ct));

        Assert.Contains($"a data backup cannot hold compressed chunks: trading.signals has 1 compressed chunk(s) ({chunk})", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was written", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("trading.stock_prices has", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(BackupDirectoryPath));
    }

    [Fact]
    public async Task Clone_copies_every_table_into_a_new_database()
    {
        await LoadEveryTableAsync();
        var target = NewDatabaseName("clone");

        var result = await Backups.CloneAsync(Database.Name, target, BackupDirectoryPath, cancellationToken: Ct);

        Assert.Equal(target, result.Database);
        Assert.Equal(await FingerprintAsync(Database.ConnectionString), await FingerprintAsync(ConnectionStringFor(target)));
        var again = await Assert.ThrowsAsync<TradingBackupException>(() => Backups.CloneAsync(Database.Name, target, BackupDirectoryPath, cancellationToken: Ct));
        Assert.Contains($"target database {target} already exists", again.Message, StringComparison.Ordinal);
    }

    private async Task PgRestoreDataOnlyAsync(string database, string dump)
    {
        await using (var connection = new NpgsqlConnection(ConnectionStringFor(database)))
        {
            await connection.OpenAsync(Ct);
            await using var pre = new NpgsqlCommand("SELECT timescaledb_pre_restore()", connection);
            await pre.ExecuteNonQueryAsync(Ct);
        }

        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString);
        var start = new System.Diagnostics.ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_restore") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--data-only", "--exit-on-error", "--host=" + builder.Host, "--port=" + builder.Port, "--username=" + builder.Username, "--dbname=" + database, dump })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = System.Diagnostics.Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        await using (var connection = new NpgsqlConnection(ConnectionStringFor(database)))
        {
            await connection.OpenAsync(Ct);
            await using var post = new NpgsqlCommand("SELECT timescaledb_post_restore()", connection);
            await post.ExecuteNonQueryAsync(Ct);
        }

        Assert.True(process.ExitCode == 0, errors);
    }
}
