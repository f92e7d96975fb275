using NodaTime;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;
using Trading.Timescale.Positions;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>
/// A test database with the schema installed and rows in every trading table (positions and the trade ledger
/// included), a scratch directory for dumps, and clean-up of every database a test restores into.
/// </summary>
public abstract class BackupTest(TimescaleServerFixture server) : DatabaseTest(server)
{
    private readonly List<string> _createdDatabases = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected string BackupDirectoryPath { get; } = Path.Combine(Path.GetTempPath(), "tt-backup-tests", Guid.NewGuid().ToString("N"));

    protected TradingBackups Backups => new(Database.ConnectionString);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Database.InstallSchemaAsync(cancellationToken: Ct);
        Directory.CreateDirectory(BackupDirectoryPath);
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(ServerFixture.Server.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var name in _createdDatabases)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }

        if (Directory.Exists(BackupDirectoryPath))
        {
            Directory.Delete(BackupDirectoryPath, recursive: true);
        }

        await base.DisposeAsync();
    }

    /// <summary>A new database name on the test server, dropped when the test class ends.</summary>
    protected string NewDatabaseName(string suffix)
    {
        var name = Database.Name + "_" + suffix;
        _createdDatabases.Add(name);
        return name;
    }

    /// <summary>A database name used as given (it may hold spaces and <c>=</c>), dropped when the test class ends.</summary>
    protected string TrackDatabase(string name)
    {
        _createdDatabases.Add(name);
        return name;
    }

    /// <summary>Whether a database of that name exists on the test server.</summary>
    protected async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ServerFixture.Server.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", connection);
        command.Parameters.AddWithValue("name", name);
        return (bool)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>The databases whose name starts with <paramref name="prefix"/>.</summary>
    protected async Task<List<string>> DatabasesStartingWithAsync(string prefix)
    {
        var names = new List<string>();
        await using var connection = new NpgsqlConnection(ServerFixture.Server.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @prefix) ORDER BY 1", connection);
        command.Parameters.AddWithValue("prefix", prefix);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    protected string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Database = database, Pooling = false }.ConnectionString;

    /// <summary>
    /// Loads rows into every hypertable and regular table of the trading schema. The rows lie within the last 50 days,
    /// inside every retention policy, so that no job of a restored database (whose scheduler runs) drops them.
    /// </summary>
    protected Task LoadEveryTableAsync() => LoadEveryTableAsync(DataSource);

    /// <summary>Loads the rows of <see cref="LoadEveryTableAsync()"/> through another data source (another database or role).</summary>
    protected static async Task LoadEveryTableAsync(NpgsqlDataSource dataSource)
    {
        var day = SystemClock.Instance.GetCurrentInstant().InUtc().Date.PlusDays(-5).AtMidnight().InUtc().ToInstant();
        var start = day + Duration.FromMinutes((13 * 60) + 30);
        string At(Instant instant) => $"'{NodaTime.Text.InstantPattern.ExtendedIso.Format(instant)}'::timestamptz";
        await using var trading = new TradingDatabase(dataSource, new TradingTimescaleOptions());
        var bars = Enumerable.Range(0, 600).Select(i => new StockPrice
        {
            Symbol = "S" + (i % 6).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Timestamp = start + Duration.FromMinutes(i / 6 * 7),
            OpenPrice = 100m + i % 13,
            HighPrice = 101m + i % 13,
            LowPrice = 99m + i % 13,
            ClosePrice = 100.5m + i % 13,
            Volume = 1000 + i,
            Vwap = 100.25m + i % 13,
        });
        await trading.Ingest.UpsertAsync(bars, cancellationToken: Ct);
        await using var insert = dataSource.CreateCommand(
            $"""
            INSERT INTO trading.options_data (underlying_symbol, option_symbol, timestamp, expiration_date, strike_price, option_type, bid_price, ask_price, last_price, volume, implied_volatility, delta)
            SELECT 'S1', 'S1261218C00' || (100 + g % 5)::text || '000', {At(start)} + g * interval '17 minutes', '2026-12-18',
                   100 + g % 5, CASE WHEN g % 2 = 0 THEN 'CALL' ELSE 'PUT' END, 2 + g % 7 * 0.1, 2.1 + g % 7 * 0.1, 2.05 + g % 7 * 0.1, g, 0.25 + g % 3 * 0.01, 0.5
            FROM generate_series(1, 300) g;
            INSERT INTO trading.signals (symbol, signal_type, confidence, target_price, reasoning, model_version, features, timestamp)
            SELECT 'S' || (g % 6)::text, (ARRAY['BUY','SELL','HOLD'])[1 + g % 3], 0.5 + g % 5 * 0.1, 110 + g, 'test ' || g, 'm1', jsonb_build_object('rsi', g), {At(start + Duration.FromMinutes(30))} + g * interval '1 hour'
            FROM generate_series(1, 60) g;
            INSERT INTO trading.performance_metrics (metric_name, metric_value, strategy, period, tags, timestamp)
            SELECT 'sharpe', g * 0.1, 'momentum', 'DAY', jsonb_build_object('run', g), {At(day - Duration.FromDays(45))} + g * interval '1 day' FROM generate_series(1, 40) g;
            INSERT INTO trading.data_quality (check_name, table_name, symbol, status, measured_value, threshold_value, timestamp)
            SELECT 'gaps', 'stock_prices', 'S1', (ARRAY['PASS','WARN','FAIL'])[1 + g % 3], g, 5, {At(day)} + g * interval '3 hours' FROM generate_series(1, 30) g;
            INSERT INTO trading.system_events (event_type, severity, source, message, details, timestamp)
            SELECT 'feed', (ARRAY['INFO','WARNING','CRITICAL'])[1 + g % 3], 'feed-handler', 'event ' || g, jsonb_build_object('n', g), {At(day)} + g * interval '2 hours'
            FROM generate_series(1, 45) g;
            INSERT INTO trading.latest_stock_prices (symbol, timestamp, close_price) VALUES ('S1', {At(day + Duration.FromDays(1))}, 105.5)
            ON CONFLICT (symbol) DO UPDATE SET close_price = EXCLUDED.close_price;
            """);
        await insert.ExecuteNonQueryAsync(Ct);
        var book = new TradingPositions(dataSource);
        var opened = await book.OpenAsync(new OpenPositionRequest("S1", 100m, 101.25m) { ExecutedAt = start, Notes = "backup test" }, Ct);
        await book.ReduceAsync(opened.Position.Id, new TradeFill(40m, 103.5m) { ExecutedAt = start + Duration.FromHours(2) }, Ct);
        await book.OpenAsync(new OpenPositionRequest("S2", -5m, 3.2m)
        {
            Option = new OptionLeg("S2261218P00100000", OptionType.Put, 100m, new LocalDate(2026, 12, 18)),
            ExecutedAt = start,
        }, Ct);
    }

    /// <summary>Every table of the trading schema with its row count and an MD5 over its rows in a fixed order.</summary>
    protected static async Task<SortedDictionary<string, (long Rows, string Checksum)>> FingerprintAsync(string connectionString)
    {
        var result = new SortedDictionary<string, (long, string)>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'trading' AND c.relkind IN ('r', 'p') ORDER BY 1",
            connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            var sql = table == "trading.schema_migrations"
                ? $"SELECT count(*), coalesce(md5(string_agg(id || kind || checksum || applied_at::text, ',' ORDER BY id, kind)), '') FROM {table}"
                : $"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {table} t";
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            await reader.ReadAsync(Ct);
            result[table] = (reader.GetInt64(0), reader.GetString(1));
        }

        return result;
    }

    protected static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>A full backup of every table restored into a new database, whose rows then differ from the backup's (its HOLD signals deleted).</summary>
    protected async Task<(BackupFile Backup, string Target)> RestoredTargetThatDiffersAsync(string prefix)
    {
        await LoadEveryTableAsync();
        var backup = await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct);
        var target = NewDatabaseName(prefix);
        await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, backup.DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
        await using var connection = new NpgsqlConnection(ConnectionStringFor(target));
        await connection.OpenAsync(Ct);
        await using var change = new NpgsqlCommand("DELETE FROM trading.signals WHERE signal_type = 'HOLD'", connection);
        await change.ExecuteNonQueryAsync(Ct);
        return (backup, target);
    }
}
