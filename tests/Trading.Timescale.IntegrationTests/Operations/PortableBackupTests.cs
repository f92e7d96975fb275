using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;
using Trading.Timescale.Operations.Internal;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// Portable backups taken and restored by a database owner who is not a superuser (CREATEROLE and CREATEDB, the owner
/// of its database, logging in with a password; the trusted timescaledb extension is created by the owner's migrate).
/// </summary>
public sealed class PortableBackupTests(TimescaleServerFixture server) : BackupTest(server)
{
    private readonly string _password = "Port4ble-" + RandomNumberGenerator.GetHexString(16, lowercase: true);
    private readonly List<string> _roles = [];

    // The rows of every table; the journal and the settings table carry install times, so only names and values of settings.
    private const string SettingsSql = "SELECT string_agg(name || '=' || value, ',' ORDER BY name) FROM trading.settings";

    private static readonly string[] Aggregates = ["stock_prices_1m", "stock_prices_5m", "stock_prices_1h", "stock_prices_1d", "options_volume_1h", "signal_performance_1d"];

    private string Owner => Database.Name + "_owner";

    private string OwnerConnection(string database) =>
        new NpgsqlConnectionStringBuilder(ServerFixture.Server.ConnectionString) { Username = Owner, Password = _password, Database = database, Pooling = false }.ConnectionString;

    private string SuperuserConnection(string database) =>
        new NpgsqlConnectionStringBuilder(ServerFixture.Server.ConnectionString) { Database = database, Pooling = false }.ConnectionString;

    /// <summary>The owner, its database migrated through the CLI as the owner, and rows in every table written as the owner.</summary>
    private async Task<string> OwnerDatabaseWithRowsAsync()
    {
        Assert.SkipWhen(Edition == Trading.Timescale.Schema.TimescaleEdition.None, "This server has no timescaledb extension.");
        _roles.Add(Owner);
        await ExecuteAsSuperuserAsync($"CREATE ROLE \"{Owner}\" LOGIN NOSUPERUSER CREATEROLE CREATEDB PASSWORD '{ScramSha256.CreateVerifier(_password)}'");
        var source = NewDatabaseName("src");
        await ExecuteAsSuperuserAsync($"CREATE DATABASE \"{source}\" OWNER \"{Owner}\"");
        var owner = OwnerConnection(source);
        Assert.False(await ScalarAsync<bool>(owner, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));

        var migrate = await CliRunner.RunAsync(["migrate", "-c", owner]);
        Assert.True(migrate.ExitCode == 0, migrate.Output + migrate.Error);
        var builder = new NpgsqlDataSourceBuilder(owner);
        builder.UseNodaTime();
        await using var dataSource = builder.Build();
        await LoadEveryTableAsync(dataSource);
        await using var quotes = dataSource.CreateCommand("""
            INSERT INTO trading.latest_option_quotes (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type, bid_price, ask_price)
            VALUES ('S1', 'S1261218C00100000', now() - interval '1 day', '2026-12-18', 100, 'CALL', 2.1, 2.2)
            """);
        await quotes.ExecuteNonQueryAsync(Ct);
        return source;
    }

    private async Task ExecuteAsSuperuserAsync(string sql, string? database = null)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnection(database ?? "postgres"));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static bool IsDerived(string table) =>
        Trading.Timescale.Operations.Internal.PortableArchive.Derived.Any(d => table == "trading." + d);

    /// <summary>Every table's rows (all columns, in a fixed order), the settings' values, and every aggregate's bars (the derived screen state aside).</summary>
    private static async Task<SortedDictionary<string, string>> ContentAsync(string connectionString, bool refresh)
    {
        var tables = await FingerprintAsync(connectionString);
        var content = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, (rows, checksum)) in tables.Where(t => t.Key is not ("trading.schema_migrations" or "trading.settings") && !IsDerived(t.Key)))
        {
            content[table] = rows + ":" + checksum;
        }

        content["settings"] = await ScalarAsync<string>(connectionString, SettingsSql);
        content["sums"] = await ScalarAsync<string>(connectionString, """
            SELECT (SELECT count(*) || '/' || sum(close_price) || '/' || sum(volume) || '/' || sum(id) FROM trading.stock_prices) || ' ' ||
                   (SELECT count(*) || '/' || sum(strike_price) || '/' || sum(bid_price) || '/' || sum(implied_volatility) FROM trading.options_data) || ' ' ||
                   (SELECT count(*) || '/' || sum(quantity) || '/' || sum(realized_pnl) FROM trading.positions) || ' ' ||
                   (SELECT count(*) || '/' || sum(price * quantity) FROM trading.position_trades) || ' ' ||
                   (SELECT count(*) || '/' || string_agg(id::text, ',' ORDER BY id) FROM trading.system_events_critical)
            """);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        foreach (var aggregate in Aggregates)
        {
            if (refresh && await ScalarAsync<bool>(connectionString, $"SELECT EXISTS (SELECT FROM timescaledb_information.continuous_aggregates WHERE view_name = '{aggregate}')"))
            {
                await using var call = new NpgsqlCommand($"CALL refresh_continuous_aggregate('trading.{aggregate}', NULL, NULL)", connection);
                await call.ExecuteNonQueryAsync(Ct);
            }

            await using var bars = new NpgsqlCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM trading.{aggregate} t", connection);
            content[aggregate] = (string)(await bars.ExecuteScalarAsync(Ct))!;
        }

        return content;
    }

    private async Task<BackupFile> OwnerBackupThroughCliAsync(string source, params string[] extra)
    {
        var backup = await CliRunner.RunAsync(["backup", "portable", "-c", OwnerConnection(source), "--output", BackupDirectoryPath, "--json", .. extra]);
        Assert.True(backup.ExitCode == 0, backup.Output + backup.Error);
        using var json = JsonDocument.Parse(backup.Output);
        return BackupDirectory.Read(json.RootElement.GetProperty("path").GetString()!);
    }

    [Fact]
    public async Task An_owner_without_superuser_backs_up_and_restores_every_table_and_the_bars_through_the_cli()
    {
        var source = await OwnerDatabaseWithRowsAsync();
        var expected = await ContentAsync(OwnerConnection(source), refresh: true);
        Assert.All(expected.Where(c => c.Key.StartsWith("trading.", StringComparison.Ordinal)), c => Assert.False(c.Value.StartsWith("0:", StringComparison.Ordinal), $"{c.Key} has no rows"));

        var backup = await OwnerBackupThroughCliAsync(source);
        var target = NewDatabaseName("portable");
        var restore = await CliRunner.RunAsync(["restore", "portable", backup.DumpPath, "-c", OwnerConnection(source), "--target-database", target, "--create"]);

        Assert.True(restore.ExitCode == 0, restore.Output + restore.Error);
        Assert.Contains($"into database {target} (created): 11 tables", restore.Output, StringComparison.Ordinal);
        Assert.Equal(BackupKind.Portable, backup.Manifest.Kind);
        Assert.Equal(Owner, await ScalarAsync<string>(SuperuserConnection(target), "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()"));
        Assert.Equal(expected, await ContentAsync(OwnerConnection(target), refresh: false));
        Assert.Equal(
            backup.Manifest.Tables.ToDictionary(t => t.Name, t => t.Rows),
            (await FingerprintAsync(OwnerConnection(source))).Where(t => t.Key is not ("trading.schema_migrations" or "trading.settings") && !IsDerived(t.Key)).ToDictionary(t => t.Key, t => t.Value.Rows));
        // The screen state is derived from stock_prices and left out on purpose.
        Assert.Equal(3, (await FingerprintAsync(OwnerConnection(source))).Count(t => IsDerived(t.Key)));
        Assert.DoesNotContain(backup.Manifest.Tables, t => IsDerived(t.Name));

        // The sequences continue after the restored ids, and the CRITICAL copy trigger works on the restored table.
        var copy = OwnerConnection(target);
        var maxId = await ScalarAsync<long>(copy, "SELECT max(id) FROM trading.system_events");
        var newId = await ScalarAsync<long>(copy, "INSERT INTO trading.system_events (event_type, severity, source, message) VALUES ('restore', 'CRITICAL', 'test', 'after') RETURNING id");
        Assert.True(newId > maxId, $"new id {newId} after restored maximum {maxId}");
        Assert.Equal(1L, await ScalarAsync<long>(copy, $"SELECT count(*) FROM trading.system_events_critical WHERE id = {newId}"));
        Assert.True(await ScalarAsync<long>(copy, "INSERT INTO trading.positions (symbol, instrument_type, quantity, average_cost) VALUES ('S9', 'STOCK', 1, 1) RETURNING id")
            > await ScalarAsync<long>(OwnerConnection(source), "SELECT max(id) FROM trading.positions"));
    }

    [Fact]
    public async Task Compressed_chunks_come_back_as_equal_rows_and_equal_bars()
    {
        RequireCommunityEdition("Compressed chunks in a portable backup");
        var source = await OwnerDatabaseWithRowsAsync();
        var owner = OwnerConnection(source);
        var compressed = await ScalarAsync<long>(owner, """
            SELECT count(compress_chunk(c, if_not_compressed => true))
            FROM (SELECT show_chunks('trading.stock_prices') UNION ALL SELECT show_chunks('trading.options_data')) AS s(c)
            """);
        Assert.True(compressed > 0);
        Assert.True(await ScalarAsync<long>(owner, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'stock_prices' AND is_compressed") > 0);
        var expected = await ContentAsync(owner, refresh: true);

        var backup = await new TradingBackups(owner).BackupAsync(new BackupRequest(BackupKind.Portable, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName("compressed");
        var restored = await new TradingBackups(owner).RestoreAsync(
            new RestoreRequest(RestoreKind.Portable, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);

        Assert.True(restored.Created);
        Assert.Equal(expected, await ContentAsync(OwnerConnection(target), refresh: false));
    }

    [Fact]
    public async Task A_signed_portable_backup_is_refused_with_another_key_and_restores_with_its_own()
    {
        var source = await OwnerDatabaseWithRowsAsync();
        var keyFile = Path.Combine(BackupDirectoryPath, "signing.key");
        var otherKeyFile = Path.Combine(BackupDirectoryPath, "other.key");
        await File.WriteAllTextAsync(keyFile, RandomNumberGenerator.GetHexString(64), Ct);
        await File.WriteAllTextAsync(otherKeyFile, RandomNumberGenerator.GetHexString(64), Ct);
        var backup = await OwnerBackupThroughCliAsync(source, "--signing-key-file", keyFile);
        Assert.NotNull(backup.Manifest.Signature);
        var target = NewDatabaseName("signed");

        var refused = await CliRunner.RunAsync(["restore", "portable", backup.DumpPath, "-c", OwnerConnection(source), "--target-database", target, "--create", "--signing-key-file", otherKeyFile]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains(BackupSigningKey.FromFile(keyFile).KeyId, refused.Error, StringComparison.Ordinal);
        Assert.False(await DatabaseExistsAsync(target));

        var restored = await CliRunner.RunAsync(["restore", "portable", backup.DumpPath, "-c", OwnerConnection(source), "--target-database", target, "--create", "--signing-key-file", keyFile]);
        Assert.True(restored.ExitCode == 0, restored.Output + restored.Error);
        Assert.Equal(await ContentAsync(OwnerConnection(source), refresh: true), await ContentAsync(OwnerConnection(target), refresh: false));
    }

    public static TheoryData<string> Tampering => ["flipped byte", "entry renamed to another table", "entry of a table outside the schema", "header naming a table outside the schema", "header with a wrong row count", "truncated rows", "extra entry after the header", "unknown setting", "setting with a bad value"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task A_tampered_portable_archive_is_refused_before_anything_is_written(string tampering)
    {
        var source = await OwnerDatabaseWithRowsAsync();
        var backup = await new TradingBackups(OwnerConnection(source)).BackupAsync(new BackupRequest(BackupKind.Portable, BackupDirectoryPath), cancellationToken: Ct);
        var expected = tampering switch
        {
            "flipped byte" => "has SHA-256",
            "entry renamed to another table" => "is out of order",
            "entry of a table outside the schema" => "\"tables/pg_authid/000001.pgcopy\" is not part of a portable backup",
            "header naming a table outside the schema" => "names the table \"pg_catalog.pg_authid\"",
            "header with a wrong row count" => "table stock_prices holds 600 rows, and portable.json says 599",
            "truncated rows" => "is not a valid binary COPY stream",
            "unknown setting" => "its setting \"search_path\" is not a setting of the trading schema",
            "setting with a bad value" => "holds settings the schema cannot take",
            _ => "follows portable.json",
        };
        if (tampering == "flipped byte")
        {
            await using var file = new FileStream(backup.DumpPath, FileMode.Open, FileAccess.ReadWrite);
            file.Position = file.Length / 2;
            var value = file.ReadByte();
            file.Position = file.Length / 2;
            file.WriteByte((byte)(value ^ 0x01));
        }
        else
        {
            // An attacker who can write the bucket rewrites an unsigned manifest to match the changed archive.
            await RewriteAsync(backup, tampering);
        }

        var target = NewDatabaseName("tampered");
        var error = await Assert.ThrowsAsync<TradingBackupException>(() => new TradingBackups(OwnerConnection(source)).RestoreAsync(
            new RestoreRequest(RestoreKind.Portable, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(await DatabaseExistsAsync(target));
    }

    private static async Task RewriteAsync(BackupFile backup, string tampering)
    {
        var entries = new List<(string Name, byte[] Data)>();
        await using (var file = File.OpenRead(backup.DumpPath))
        await using (var reader = new TarReader(file))
        {
            while (await reader.GetNextEntryAsync(copyData: true, Ct) is { } entry)
            {
                using var data = new MemoryStream();
                await entry.DataStream!.CopyToAsync(data, Ct);
                entries.Add((entry.Name, data.ToArray()));
            }
        }

        var header = JsonNode.Parse(entries[^1].Data)!.AsObject();
        switch (tampering)
        {
            case "entry renamed to another table":
                var signals = entries.FindIndex(e => e.Name == "tables/signals/000001.pgcopy");
                entries[signals] = ("tables/stock_prices/000001.pgcopy", entries[signals].Data);
                break;
            case "entry of a table outside the schema":
                entries.Insert(1, ("tables/pg_authid/000001.pgcopy", entries[0].Data));
                break;
            case "header naming a table outside the schema":
                header["tables"]![0]!["name"] = "pg_catalog.pg_authid";
                break;
            case "header with a wrong row count":
                var stock = header["tables"]!.AsArray().First(t => (string)t!["name"]! == "trading.stock_prices")!;
                stock["rows"] = (long)stock["rows"]! - 1;
                break;
            case "truncated rows":
                var prices = entries.FindIndex(e => e.Name == "tables/stock_prices/000001.pgcopy");
                entries[prices] = (entries[prices].Name, entries[prices].Data[..(entries[prices].Data.Length / 2)]);
                break;
            case "extra entry after the header":
                entries.Add(("tables/latest_stock_prices/000002.pgcopy", entries[0].Data));
                break;
            case "unknown setting":
                header["settings"]!["search_path"] = "evil, pg_catalog";
                break;
            case "setting with a bad value":
                header["settings"]!["retention_stock_prices"] = "-3 days";
                break;
        }

        if (entries.FindIndex(e => e.Name == "portable.json") is var at and >= 0)
        {
            entries[at] = ("portable.json", Encoding.UTF8.GetBytes(header.ToJsonString()));
        }

        File.Delete(backup.DumpPath);
        await using (var file = File.Create(backup.DumpPath))
        await using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            foreach (var (name, data) in entries)
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) }, Ct);
            }
        }

        var manifest = backup.Manifest with
        {
            SizeBytes = new FileInfo(backup.DumpPath).Length,
            Sha256 = await BackupDirectory.Sha256Async(backup.DumpPath, cancellationToken: Ct),
        };
        await File.WriteAllTextAsync(backup.ManifestPath, manifest.ToJson(), Ct);
    }

    [Fact]
    public async Task A_portable_backup_of_a_newer_schema_is_refused_naming_the_migration_this_version_lacks()
    {
        var source = await OwnerDatabaseWithRowsAsync();
        await ExecuteAsSuperuserAsync(
            """
            INSERT INTO trading.schema_migrations (id, kind, edition, file_name, checksum, execution_ms, product_version)
            SELECT '9999_future', kind, edition, 'migrations/9999_future.sql', checksum, execution_ms, product_version
            FROM trading.schema_migrations WHERE kind = 'versioned' ORDER BY id DESC LIMIT 1
            """,
            source);
        var backup = await new TradingBackups(OwnerConnection(source)).BackupAsync(new BackupRequest(BackupKind.Portable, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName("newer");

        var error = await Assert.ThrowsAsync<TradingBackupException>(() => new TradingBackups(OwnerConnection(source)).RestoreAsync(
            new RestoreRequest(RestoreKind.Portable, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct));

        Assert.Contains("holds rows of schema version 9999_future", error.Message, StringComparison.Ordinal);
        Assert.Contains("without 9999_future", error.Message, StringComparison.Ordinal);
        Assert.False(await DatabaseExistsAsync(target));
    }

    [Fact]
    public async Task A_database_holding_the_trading_schema_is_replaced_only_when_asked()
    {
        var source = await OwnerDatabaseWithRowsAsync();
        var expected = await ContentAsync(OwnerConnection(source), refresh: true);
        var backups = new TradingBackups(OwnerConnection(source));
        var backup = await backups.BackupAsync(new BackupRequest(BackupKind.Portable, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName("replaced");
        await backups.RestoreAsync(new RestoreRequest(RestoreKind.Portable, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        await ScalarAsync<long>(OwnerConnection(target), "WITH gone AS (DELETE FROM trading.stock_prices WHERE symbol = 'S1' RETURNING 1) SELECT count(*) FROM gone");

        var refused = await Assert.ThrowsAsync<TradingBackupException>(() => backups.RestoreAsync(
            new RestoreRequest(RestoreKind.Portable, backup.DumpPath) { TargetDatabase = target }, cancellationToken: Ct));
        Assert.Contains($"database {target} already holds the trading schema", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(OwnerConnection(target), "SELECT count(*) FROM trading.stock_prices WHERE symbol = 'S1'"));

        var replaced = await backups.RestoreAsync(
            new RestoreRequest(RestoreKind.Portable, backup.DumpPath) { TargetDatabase = target, ReplaceExisting = true }, cancellationToken: Ct);
        Assert.True(replaced.Created);
        Assert.Equal(expected, await ContentAsync(OwnerConnection(target), refresh: false));
        Assert.DoesNotContain(await DatabasesStartingWithAsync(target + "_"), d => d.Contains("_restoring_", StringComparison.Ordinal) || d.Contains("_replaced_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_backup_is_not_restored_as_portable_nor_a_portable_one_as_full()
    {
        var source = await OwnerDatabaseWithRowsAsync();
        var backups = new TradingBackups(OwnerConnection(source));
        var portable = await backups.BackupAsync(new BackupRequest(BackupKind.Portable, BackupDirectoryPath), cancellationToken: Ct);
        var full = await backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName("kinds");

        var asFull = await Assert.ThrowsAsync<TradingBackupException>(() => backups.RestoreAsync(
            new RestoreRequest(RestoreKind.Full, portable.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct));
        var asPortable = await Assert.ThrowsAsync<TradingBackupException>(() => backups.RestoreAsync(
            new RestoreRequest(RestoreKind.Portable, full.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct));

        Assert.Contains("is a portable backup: restore it as portable", asFull.Message, StringComparison.Ordinal);
        Assert.Contains("is a full backup: restore portable takes a portable backup", asPortable.Message, StringComparison.Ordinal);
        Assert.False(await DatabaseExistsAsync(target));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestRoles.DropAsync(ServerFixture.Server.ConnectionString, _roles);
    }
}
