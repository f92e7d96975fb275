using System.Security.Cryptography;
using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Operations;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Schema;

/// <summary>Routines that run with their owner's rights or as a job resolve names only in pg_catalog and TimescaleDB's schema.</summary>
public sealed class SearchPathTests(TimescaleServerFixture server) : OperationsTest(server)
{
    [Fact]
    public async Task Every_security_definer_and_job_routine_of_the_trading_schema_pins_search_path()
    {
        var extensionSchema = await ScalarAsync<string>(
            "SELECT coalesce((SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'timescaledb'), '')");
        var rows = await RowsAsync("""
            SELECT p.oid::regprocedure::text, p.prosecdef,
                   EXISTS (SELECT FROM timescaledb_information.jobs j WHERE j.proc_schema = 'trading' AND j.proc_name = p.proname) AS job,
                   coalesce((SELECT c FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%'), '') AS search_path
            FROM pg_proc p
            WHERE p.pronamespace = 'trading'::regnamespace
              AND (p.prosecdef
                   OR EXISTS (SELECT FROM timescaledb_information.jobs j WHERE j.proc_schema = 'trading' AND j.proc_name = p.proname)
                   OR p.proname IN ('drop_old_chunks', 'apply_retention', 'retention_plan'))
            ORDER BY 1
            """);

        var routines = rows.Select(r => (string)r[0]!).ToList();
        Assert.Contains("trading.copy_critical_events()", routines);
        Assert.Contains("trading.drop_old_chunks(text)", routines);
        Assert.Contains("trading.apply_retention()", routines);
        if (Edition == TimescaleEdition.Community)
        {
            Assert.Contains(rows, r => (string)r[0]! == "trading.system_events_retention(integer,jsonb)" && (bool)r[2]!);
        }

        Assert.All(rows, r =>
        {
            var path = (string)r[3]!;
            Assert.True(
                path == "search_path=pg_catalog, pg_temp" || path == $"search_path=pg_catalog, {extensionSchema}, pg_temp",
                $"{r[0]} (security definer: {r[1]}, job: {r[2]}) has '{path}'");
        });
    }

    [Fact]
    public async Task Every_function_of_the_trading_schema_pins_search_path()
    {
        // A function a schema file adds without pinning it fails here, whatever its file. A procedure that commits
        // (refresh_aggregates) cannot carry a SET clause, so procedures are left to the test above.
        var rows = await RowsAsync("""
            SELECT p.oid::regprocedure::text,
                   coalesce((SELECT c FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%'), '') AS search_path
            FROM pg_proc p
            WHERE p.pronamespace = 'trading'::regnamespace AND p.prokind = 'f'
            ORDER BY 1
            """);

        var functions = rows.Select(r => (string)r[0]!).ToList();
        Assert.Contains("trading.bars(text,text,timestamp with time zone,timestamp with time zone)", functions);
        Assert.Contains("trading.calculate_vwap(text,text,timestamp with time zone,timestamp with time zone)", functions);
        Assert.Contains("trading.calculate_macd(text,text,timestamp with time zone,timestamp with time zone)", functions);
        var unpinned = rows.Where(r => !((string)r[1]!).StartsWith("search_path=pg_catalog, ", StringComparison.Ordinal)).Select(r => (string)r[0]!).ToList();
        Assert.True(unpinned.Count == 0, "these functions have no pinned search_path; call trading.pin_search_path next to their CREATE: " + string.Join(", ", unpinned));
    }

    [Fact]
    public async Task Retention_ignores_a_drop_chunks_planted_on_the_callers_search_path()
    {
        var schema = "planted_" + RandomNumberGenerator.GetHexString(8, lowercase: true);
        // A drop_chunks with exact argument types wins over TimescaleDB's ("any") wherever it sits on the search_path.
        await ExecuteAsync($"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.calls (relation regclass);
            CREATE FUNCTION {schema}.drop_chunks(relation regclass, older_than timestamptz) RETURNS SETOF text
            LANGUAGE plpgsql AS $$ BEGIN INSERT INTO {schema}.calls VALUES (relation); RETURN; END $$;
            """);
        await using var connection = await DataSource.OpenConnectionAsync(Ct);
        await using (var shadowed = new NpgsqlCommand($"SET search_path = {schema}, public; SELECT count(*) FROM {schema}.drop_chunks('trading.stock_prices', now())", connection))
        {
            await shadowed.ExecuteScalarAsync(Ct); // the plant works for an unpinned caller
        }

        await using (var retention = new NpgsqlCommand("SELECT count(*) FROM trading.apply_retention()", connection))
        {
            Assert.Equal(7L, await retention.ExecuteScalarAsync(Ct));
        }

        await using (var plan = new NpgsqlCommand("SELECT count(*) FROM trading.retention_plan()", connection))
        {
            Assert.Equal(0L, await plan.ExecuteScalarAsync(Ct));
        }

        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM {schema}.calls")); // only the direct call above
    }
}
